/**
 * Constant-time key checks: both sides are hashed with SHA-256 and the digests compared
 * byte by byte over every configured key, so timing reveals neither length nor prefix.
 */
const encoder = new TextEncoder();

const sha256 = async (value: string): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));

function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The digest a presented key is compared by; compute it once per request for several keyrings. */
export const keyDigest = sha256;

export interface Keyring {
  has(presented: string): Promise<boolean>;
  /** The same check for a key already digested with `keyDigest`. */
  hasDigest(candidate: Uint8Array): Promise<boolean>;
}

export function createKeyring(keys: readonly string[]): Keyring {
  const usable = keys.filter((k) => k.length > 0);
  let digests: Promise<Uint8Array[]> | undefined;
  const hasDigest = async (candidate: Uint8Array) => {
    digests ??= Promise.all(usable.map(sha256));
    let found = false;
    // No early exit: every key is compared whatever matched first.
    for (const digest of await digests) found = sameDigest(candidate, digest) || found;
    return found;
  };
  return {
    hasDigest,
    has: async (presented) => hasDigest(await sha256(presented)),
  };
}
