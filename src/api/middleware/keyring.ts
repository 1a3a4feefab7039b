/**
 * Constant-time key checks without a digest per request: every configured key is held as a
 * fixed-length, zero-padded byte buffer, the presented key is padded the same way once per
 * request, and each comparison reads every byte of every configured key (no early exit), so
 * timing reveals neither a configured key's length nor how much of a prefix matched. Plain JS
 * on both runtimes: no WebCrypto job (a thread-pool round trip and promises on Node) per call.
 */
const encoder = new TextEncoder();

/** Every key is padded to at least this many bytes; longer configured keys raise the width. */
const MIN_WIDTH = 256;

/** A presented key, padded once and compared against several keyrings. */
export interface PresentedKey {
  readonly bytes: Uint8Array;
  /** Its true length in bytes; -1 when it is wider than any keyring (it matches none). */
  readonly length: number;
}

export interface Keyring {
  /** The width a presented key is padded to for this keyring. */
  readonly width: number;
  has(presented: string): Promise<boolean>;
  /** The same check, synchronous, for a key already padded with `presentKey`. */
  hasKey(candidate: PresentedKey): boolean;
}

/** Pads `presented` to `width` bytes (UTF-8), once per request for every keyring of that width. */
export function presentKey(presented: string, width = MIN_WIDTH): PresentedKey {
  const bytes = new Uint8Array(width);
  const { read, written } = encoder.encodeInto(presented, bytes);
  // Not all of it fitted: wider than every configured key, so it matches none (never a prefix).
  return { bytes, length: read < presented.length ? -1 : written };
}

function sameBytes(a: Uint8Array, aLength: number, b: Uint8Array, bLength: number): boolean {
  // Both are `width` long: the loop length never depends on either key.
  let diff = aLength ^ bLength;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function createKeyring(keys: readonly string[], minWidth = MIN_WIDTH): Keyring {
  const encoded = keys.filter((k) => k.length > 0).map((k) => encoder.encode(k));
  const width = Math.max(minWidth, ...encoded.map((k) => k.length));
  const held = encoded.map((k) => {
    const bytes = new Uint8Array(width);
    bytes.set(k);
    return { bytes, length: k.length };
  });
  const hasKey = (candidate: PresentedKey): boolean => {
    if (candidate.bytes.length !== width) return hasKey(presentKeyAgain(candidate, width));
    let found = false;
    // No early exit: every key is compared whatever matched first.
    for (const key of held)
      found = sameBytes(candidate.bytes, candidate.length, key.bytes, key.length) || found;
    return found && candidate.length >= 0;
  };
  return {
    width,
    hasKey,
    has: async (presented) => hasKey(presentKey(presented, width)),
  };
}

/** A key padded for another keyring's width, re-padded for this one (a rare configuration). */
function presentKeyAgain(candidate: PresentedKey, width: number): PresentedKey {
  if (candidate.length < 0 || candidate.length > width) return { bytes: new Uint8Array(width), length: -1 };
  const bytes = new Uint8Array(width);
  bytes.set(candidate.bytes.subarray(0, candidate.length));
  return { bytes, length: candidate.length };
}
