/**
 * Caller keys compared without a digest: padded to a fixed width, compared over every byte of
 * every configured key. Exact keys match; prefixes, extensions, other lengths, empty keys and
 * keys wider than the ring never do; rings of different widths agree.
 */
import { describe, expect, it } from 'vitest';
import { createKeyring, presentKey } from '../../src/api/middleware/keyring.ts';

describe('keyring', () => {
  const ring = createKeyring(['sk_live_abcdef0123456789', 'sk_other_ünïcødé_key', '']);

  it('matches each configured key exactly, synchronously and through has()', async () => {
    expect(ring.hasKey(presentKey('sk_live_abcdef0123456789', ring.width))).toBe(true);
    expect(ring.hasKey(presentKey('sk_other_ünïcødé_key', ring.width))).toBe(true);
    expect(await ring.has('sk_live_abcdef0123456789')).toBe(true);
  });

  it('refuses prefixes, extensions, a changed byte, padding bytes and the empty key', async () => {
    for (const wrong of [
      'sk_live_abcdef012345678',
      'sk_live_abcdef01234567890',
      'sk_live_abcdef0123456788',
      'sk_live_abcdef0123456789\u0000',
      '',
      'sk_other_unicode_key',
    ]) {
      expect(await ring.has(wrong)).toBe(false);
    }
  });

  it('a key wider than the ring matches nothing, not even by its prefix', async () => {
    const long = 'k'.repeat(256);
    const wide = createKeyring([long]);
    expect(wide.width).toBe(256);
    expect(await wide.has(long)).toBe(true);
    expect(await wide.has(`${long}k`)).toBe(false);
    expect(wide.hasKey(presentKey(`${long}k`, 256))).toBe(false);
  });

  it('configured keys longer than the default width widen the ring', async () => {
    const long = 'x'.repeat(1_000);
    const wide = createKeyring([long]);
    expect(wide.width).toBe(1_000);
    expect(await wide.has(long)).toBe(true);
    expect(await wide.has(long.slice(0, 999))).toBe(false);
  });

  it('a key padded for another width is re-padded, and still compared exactly', () => {
    const wide = createKeyring(['y'.repeat(300), 'short-key']);
    expect(wide.hasKey(presentKey('short-key', 256))).toBe(true);
    expect(wide.hasKey(presentKey('short-ke', 256))).toBe(false);
  });

  it('an empty ring admits nothing', async () => {
    expect(await createKeyring([]).has('')).toBe(false);
    expect(await createKeyring([]).has('anything')).toBe(false);
  });
});
