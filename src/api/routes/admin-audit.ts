/**
 * The admin audit trail: one log line per admin action, naming the admin key by a hash
 * prefix (never its value), the target, the outcome and how long it took.
 */
import type { Context } from 'hono';
import type { Logger } from '../../log/logger.ts';
import type { ApiEnv } from '../env.ts';
import { keyIdOf } from '../middleware/caller-watch.ts';

const bearer = (header: string | undefined) => header?.match(/^Bearer +(\S+) *$/i)?.[1];

export type Audit = <T>(
  c: Context<ApiEnv>,
  action: string,
  target: { carrier?: string; account?: string },
  work: () => Promise<T>,
) => Promise<T>;

export function createAudit(logger: Logger, now: () => number = Date.now): Audit {
  return async (c, action, target, work) => {
    const key = bearer(c.req.header('Authorization'));
    const actor = key === undefined ? 'unknown' : await keyIdOf(key);
    const started = now();
    const line = (outcome: string, extra: Record<string, unknown> = {}) =>
      logger.info('admin action', {
        audit: true,
        action,
        ...target,
        actor,
        requestId: c.get('requestId'),
        outcome,
        durationMs: Math.max(0, now() - started),
        ...extra,
      });
    try {
      const result = await work();
      line('ok');
      return result;
    } catch (error) {
      line('failed', { errorName: error instanceof Error ? error.name : typeof error });
      throw error;
    }
  };
}
