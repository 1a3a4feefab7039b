/** RFC 7636 code challenge checking. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** True when the verifier matches the challenge under the method ('S256' or 'plain'). */
export function verifierMatches(verifier: string, challenge: string, method: string): boolean {
  // RFC 7636 4.1: 43..128 characters of the unreserved set.
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const expected = method === 'S256' ? s256Challenge(verifier) : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
