/** The synchronous SHA-256 of store keys and fingerprints equals WebCrypto's, at every padding edge. */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/auth/sha256.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const webcrypto = async (s: string) =>
  hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))));

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals WebCrypto for every length around the block and padding edges, and for UTF-8', async () => {
    for (let n = 0; n <= 200; n++) {
      const s = Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join('');
      expect(hex(sha256(s))).toBe(await webcrypto(s));
    }
    const utf8 = '8:ünïcødé|5:日本語|4:🚚';
    expect(hex(sha256(utf8))).toBe(await webcrypto(utf8));
    const long = 'x'.repeat(10_000);
    expect(hex(sha256(long))).toBe(await webcrypto(long));
  });
});
