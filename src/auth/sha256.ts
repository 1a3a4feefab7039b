/**
 * SHA-256 (FIPS 180-4, https://csrc.nist.gov/pubs/fips/180-4/upd1/final) in plain JS,
 * synchronous. For the short, non-secret-keyed inputs of store keys and token fingerprints it
 * is faster than WebCrypto, whose digest is a thread-pool job on Node: every key and
 * fingerprint would otherwise keep promises alive across a round trip (promoted garbage, a
 * heap twice the live size at 100,000 accounts) and leave native buffers behind.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const encoder = new TextEncoder();
const W = new Uint32Array(64);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/**
 * One scratch buffer for every message, grown when a longer one comes: a fresh encoded array,
 * a padded copy and a DataView over it per call were three allocations per key, two of them
 * off the V8 heap.
 */
let scratch = new Uint8Array(256);
let scratchView = new DataView(scratch.buffer);

function scratchFor(bytes: number): Uint8Array {
  if (bytes > scratch.length) {
    scratch = new Uint8Array(Math.max(bytes, scratch.length * 2));
    scratchView = new DataView(scratch.buffer);
  }
  return scratch;
}

/** Writes `input` as UTF-8 into the scratch buffer; answers its length in bytes. */
function load(input: string | Uint8Array): number {
  if (typeof input !== 'string') {
    scratchFor(input.length + 72).set(input);
    return input.length;
  }
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  return encoder.encodeInto(input, scratchFor(input.length * 3 + 72)).written;
}

/** The SHA-256 digest of `input` (a string is hashed as UTF-8). */
export function sha256(input: string | Uint8Array): Uint8Array {
  const length = load(input);
  const bitLength = length * 8;
  // Message, 0x80, zeros, then the 64-bit length: a multiple of 64 bytes.
  const paddedLength = (((length + 8) >> 6) + 1) << 6;
  const padded = scratch;
  padded.fill(0, length, paddedLength);
  padded[length] = 0x80;
  const view = scratchView;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(paddedLength - 4, bitLength >>> 0);
  const h = INITIAL.slice();
  for (let block = 0; block < paddedLength; block += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15] as number;
      const w2 = W[t - 2] as number;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + (K[t] as number) + (W[t] as number)) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + b) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d) | 0;
    h[4] = ((h[4] as number) + e) | 0;
    h[5] = ((h[5] as number) + f) | 0;
    h[6] = ((h[6] as number) + g) | 0;
    h[7] = ((h[7] as number) + hh) | 0;
  }
  // Written byte by byte: a DataView would move this small array off the heap.
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = h[i] as number;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  }
  return out;
}
