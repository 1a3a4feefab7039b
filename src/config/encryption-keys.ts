/**
 * The store's encryption keys, resolved and checked at start-up.
 */

import { fromBase64 } from '../domain/base64.ts';
import type { RefResolver } from './env-refs.ts';

/**
 * Tokens are never stored in Redis in clear: at least one key, each 32 bytes in base64 (what
 * AES-256-GCM takes). Checked here so that a bad key stops start-up naming it, not deep in
 * the store with a stack trace.
 */
export function checkEncryptionKeys(
  keys: readonly { id: string; key: { env: string } }[],
  refs: RefResolver,
): { id: string; key: string }[] {
  if (keys.length === 0) {
    refs.issues.push({
      key: 'store.encryptionKeys',
      message: `a Redis store needs at least one encryption key: ${KEY_HOWTO}`,
    });
  }
  return keys.map((k, i) => {
    const at = `store.encryptionKeys[${i}].key`;
    const value = refs.resolve(k.key, at) ?? '';
    const problem = value === '' ? undefined : encryptionKeyProblem(value);
    if (problem !== undefined) {
      refs.issues.push({
        key: at,
        message: `environment variable ${k.key.env} ${problem}: it must hold 32 bytes in base64 (${KEY_HOWTO})`,
      });
    }
    return { id: k.id, key: value };
  });
}

const KEY_HOWTO = 'make one with `openssl rand -base64 32`';

function encryptionKeyProblem(value: string): string | undefined {
  let bytes: number;
  try {
    bytes = fromBase64(value).length;
  } catch {
    return 'is not base64';
  }
  return bytes === 32 ? undefined : `holds ${bytes} bytes`;
}
