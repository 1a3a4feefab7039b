/**
 * The registered secret values, found in a text in time that grows with the text (and the
 * number of distinct secret lengths), not with the number of secrets. A gateway for many
 * merchants registers two or more credentials per carrier account; testing every one of them
 * against every log field and span attribute cost ~6 ms per access-log line at 200,000
 * secrets (bench/README.md).
 *
 * Secrets are grouped by length and indexed by a hash of the whole value; a text is scanned
 * once per length with a rolling hash of that width (Rabin–Karp), and only a secret whose
 * hash matches at some position is compared. Whole-value hashes keep buckets small even when
 * many credentials share a prefix (sequential or vendor-prefixed keys).
 */

export const SECRET_MIN_LENGTH = 8;
const BASE = 0x01000193;

interface LengthGroup {
  length: number;
  /** BASE^(length-1) mod 2^32: the weight of the character that leaves the window. */
  leavingWeight: number;
  /** A lone secret is held as itself: no array per secret (tenant scale). */
  byHash: Map<number, string | string[]>;
}

function hashOf(text: string, start: number, length: number): number {
  let h = 0;
  for (let i = start; i < start + length; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

function power(exponent: number): number {
  let w = 1;
  for (let i = 0; i < exponent; i++) w = Math.imul(w, BASE);
  return w;
}

export class SecretIndex {
  private readonly all = new Set<string>();
  private readonly groups = new Map<number, LengthGroup>();

  get size(): number {
    return this.all.size;
  }

  /** Adds `secret` (at least SECRET_MIN_LENGTH characters); false when it was there or is too short. */
  add(secret: string): boolean {
    if (secret.length < SECRET_MIN_LENGTH || this.all.has(secret)) return false;
    this.all.add(secret);
    let group = this.groups.get(secret.length);
    if (group === undefined) {
      group = { length: secret.length, leavingWeight: power(secret.length - 1), byHash: new Map() };
      this.groups.set(secret.length, group);
    }
    const h = hashOf(secret, 0, secret.length);
    const bucket = group.byHash.get(h);
    if (bucket === undefined) group.byHash.set(h, secret);
    else if (typeof bucket === 'string') group.byHash.set(h, [bucket, secret]);
    else bucket.push(secret);
    return true;
  }

  clear(): void {
    this.all.clear();
    this.groups.clear();
  }

  /** The secrets that occur in `text`, longest first (a secret inside a longer one goes with it). */
  foundIn(text: string): string[] {
    if (this.all.size === 0 || text.length < SECRET_MIN_LENGTH) return [];
    const found: string[] = [];
    for (const group of this.groups.values()) {
      if (group.length <= text.length) scan(group, text, found);
    }
    return found.length < 2 ? found : [...new Set(found)].sort((a, b) => b.length - a.length);
  }
}

function scan({ length, leavingWeight, byHash }: LengthGroup, text: string, found: string[]): void {
  let h = hashOf(text, 0, length);
  for (let start = 0; ; start++) {
    const bucket = byHash.get(h);
    if (typeof bucket === 'string') {
      if (text.startsWith(bucket, start)) found.push(bucket);
    } else if (bucket !== undefined) {
      for (const secret of bucket) if (text.startsWith(secret, start)) found.push(secret);
    }
    const next = start + length;
    if (next >= text.length) return;
    const leaving = Math.imul(text.charCodeAt(start), leavingWeight);
    h = (Math.imul((h - leaving) | 0, BASE) + text.charCodeAt(next)) | 0;
  }
}
