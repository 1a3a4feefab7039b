/** Environment variables that override the file (12-factor deployment). */
import { z } from '@hono/zod-openapi';
import { LOG_LEVELS, type LogLevel } from '../log/logger.ts';
import type { ConfigIssue } from './config-error.ts';
import type { Env } from './env-refs.ts';
import { parseRedisUrl } from './redis-url.ts';

export const OVERRIDE_VARS = [
  'PORT',
  'HOST',
  'GATEWAY_API_KEYS',
  'GATEWAY_ADMIN_KEYS',
  'REDIS_URL',
  'LOG_LEVEL',
  'GATEWAY_PUBLIC_URL',
] as const;

const Port = z.coerce.number().int().min(0).max(65_535);
const HttpUrl = z.url({ protocol: /^https?$/ });

export interface Overrides {
  port?: number;
  host?: string;
  logLevel?: LogLevel;
  publicUrl?: string;
  redisUrl?: string;
}

/** Values only for the variables that are set; a bad value is an issue named by the variable. */
export function readOverrides(env: Env): { overrides: Overrides; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const overrides: Overrides = {};
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const port = value('PORT');
  if (port !== undefined) {
    const parsed = Port.safeParse(port);
    if (parsed.success) overrides.port = parsed.data;
    else issues.push({ key: 'PORT', message: 'must be an integer from 0 to 65535' });
  }
  const host = value('HOST');
  if (host !== undefined) overrides.host = host;
  const level = value('LOG_LEVEL');
  if (level !== undefined) {
    const parsed = z.enum(LOG_LEVELS).safeParse(level.toLowerCase());
    if (parsed.success) overrides.logLevel = parsed.data;
    else issues.push({ key: 'LOG_LEVEL', message: `must be one of ${LOG_LEVELS.join(', ')}` });
  }
  const publicUrl = value('GATEWAY_PUBLIC_URL');
  if (publicUrl !== undefined) {
    if (HttpUrl.safeParse(publicUrl).success) overrides.publicUrl = publicUrl;
    else issues.push({ key: 'GATEWAY_PUBLIC_URL', message: 'must be an http(s) URL' });
  }
  const redisUrl = value('REDIS_URL');
  if (redisUrl !== undefined) {
    // The URL may hold a password: never echo it.
    const parsed = parseRedisUrl(redisUrl);
    if ('error' in parsed) issues.push({ key: 'REDIS_URL', message: parsed.error });
    else overrides.redisUrl = redisUrl;
  }
  return { overrides, issues };
}
