/** JWT-shaped access tokens (HS256 with a per-process key) for carriers whose real tokens are JWTs. */
import { createHmac, randomBytes } from 'node:crypto';

const KEY = randomBytes(32);

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(claims: Record<string, unknown>): string {
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  const sig = createHmac('sha256', KEY).update(head).digest('base64url');
  return `${head}.${sig}`;
}
