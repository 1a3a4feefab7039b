/** Reading what a client sent: body parameters, HTTP Basic and Bearer credentials. */
import type { AnyContext } from './any-context.ts';

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Parameters of a form-urlencoded, multipart or JSON body, as strings; {} when the body is
 * empty or unreadable. A body without a content type is sniffed (JSON or form).
 */
export async function readParams(c: AnyContext): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  try {
    if (type.startsWith('multipart/form-data')) {
      const parsed = await c.req.parseBody();
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') out[key] = value;
      return out;
    }
    const text = await c.req.text();
    if (text.trim() === '') return {};
    if (type.includes('json') || (!type.includes('form') && text.trimStart().startsWith('{'))) {
      const json: unknown = JSON.parse(text);
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(json)) {
        if (value !== undefined && value !== null) out[key] = stringify(value);
      }
      return out;
    }
    return Object.fromEntries(new URLSearchParams(text));
  } catch {
    return {};
  }
}

export interface BasicCredentials {
  /** Form-decoded as RFC 6749 2.3.1 asks ('+' is a space, %XX decoded). */
  username: string;
  password: string;
  /** As sent, without form decoding (many clients do not encode; accept both). */
  rawUsername: string;
  rawPassword: string;
}

const formDecode = (value: string): string => {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
};

export function basicCredentials(c: AnyContext): BasicCredentials | undefined {
  const header = c.req.header('authorization') ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const rawUsername = decoded.slice(0, colon);
  const rawPassword = decoded.slice(colon + 1);
  return { username: formDecode(rawUsername), password: formDecode(rawPassword), rawUsername, rawPassword };
}

export function bearerToken(c: AnyContext): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}
