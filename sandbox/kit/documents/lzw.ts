/** The GIF flavour of LZW (variable code size, clear and end codes), encoder side. */

/** Packs codes LSB-first into bytes, as GIF wants. */
class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private bits = 0;
  write(code: number, size: number): void {
    this.acc |= code << this.bits;
    this.bits += size;
    while (this.bits >= 8) {
      this.bytes.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.bits -= 8;
    }
  }
  flush(): number[] {
    if (this.bits > 0) this.bytes.push(this.acc & 0xff);
    this.acc = 0;
    this.bits = 0;
    return this.bytes;
  }
}

const MAX_CODE = 4096;

/** LZW-compresses colour indices (each < 2^minCodeSize). */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out = new BitWriter();
  let codeSize = minCodeSize + 1;
  let next = end + 1;
  let table = new Map<number, number>();
  out.write(clear, codeSize);
  if (indices.length === 0) {
    out.write(end, codeSize);
    return Uint8Array.from(out.flush());
  }
  let prefix = indices[0] ?? 0;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i] ?? 0;
    const key = prefix * 256 + k;
    const known = table.get(key);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    out.write(prefix, codeSize);
    if (next === MAX_CODE) {
      // Table full: tell the decoder to start over.
      out.write(clear, codeSize);
      table = new Map();
      codeSize = minCodeSize + 1;
      next = end + 1;
    } else {
      // The decoder adds this entry one code later, so widen before adding, not after.
      if (next >= 1 << codeSize) codeSize += 1;
      table.set(key, next++);
    }
    prefix = k;
  }
  out.write(prefix, codeSize);
  out.write(end, codeSize);
  return Uint8Array.from(out.flush());
}
