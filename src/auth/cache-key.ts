/**
 * Cache keys and fingerprints: SHA-256 so neither a store key nor a log line ever carries a
 * secret or a token, while distinct tenants never share a key. Computed synchronously
 * (sha256.ts): no WebCrypto job per key or token.
 */
import type { ResolvedAccount } from '../config/account.ts';
import { sha256 } from './sha256.ts';

const HEX = '0123456789abcdef';

/**
 * `prefix` and the hex of the first `bytes` bytes of the SHA-256 of `text`, as one flat string:
 * a template or a slice would keep a cons or sliced string pointing at the whole 64-char hex,
 * and these strings live as long as the token (tenant scale: ~100 bytes per account saved).
 */
function sha256Hex(text: string, prefix = '', bytes = 32): string {
  const digest = sha256(text);
  const codes = new Array<number>(prefix.length + bytes * 2);
  for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
  for (let i = 0; i < bytes; i++) {
    const b = digest[i] ?? 0;
    codes[prefix.length + 2 * i] = HEX.charCodeAt(b >> 4);
    codes[prefix.length + 2 * i + 1] = HEX.charCodeAt(b & 15);
  }
  return String.fromCharCode(...codes);
}

export interface CacheKeyParts {
  carrier: string;
  environment: string;
  account: string;
  /** 'primary' or a derived token's name. */
  name: string;
  scope?: string | undefined;
  clientId?: string | undefined;
}

/**
 * The store key of one token. Every part is length-prefixed so that no two different part
 * lists can produce the same input (e.g. account 'a|b' vs scope 'b').
 */
export async function cacheKey(parts: CacheKeyParts): Promise<string> {
  const fields = [
    parts.carrier,
    parts.environment,
    parts.account,
    parts.name,
    parts.scope ?? '',
    parts.clientId ?? '',
  ];
  const input = fields.map((f) => `${f.length}:${f}`).join('|');
  const known = memo.get(input);
  if (known !== undefined) return known;
  const key = sha256Hex(input, 'tok:');
  // Hashing on every call would let a burst of callers drift apart; the inputs hold no secret.
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(input, key);
  return key;
}

const MEMO_MAX = 10_000;
const memo = new Map<string, string>();

/** A short, stable, non-reversible name for a token (16 hex chars of its SHA-256). */
export async function fingerprint(...values: string[]): Promise<string> {
  return sha256Hex(values.map((v) => `${v.length}:${v}`).join('|'), '', 8);
}

/** Cache key parts of an account's primary or derived token. */
export function keyPartsOf(account: ResolvedAccount, name: string, scope: string | undefined): CacheKeyParts {
  return {
    carrier: account.carrier,
    environment: account.environment,
    account: account.id,
    name,
    scope,
    clientId: account.secrets.clientId,
  };
}
