/** A valid GIF89a (two colours, LZW-compressed) of the label lines. */
import { lzwEncode } from './lzw.ts';
import { renderRaster } from './raster.ts';

const MIN_CODE_SIZE = 2; // GIF's smallest allowed, enough for a 2-colour palette

const le16 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];

/** Splits data into GIF sub-blocks of at most 255 bytes, ended by an empty block. */
function subBlocks(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    out.push(part.length, ...part);
  }
  out.push(0);
  return out;
}

export function gif(lines: string[]): Uint8Array {
  const { width, height, pixels } = renderRaster(lines);
  const bytes = [
    ...Buffer.from('GIF89a', 'ascii'),
    ...le16(width),
    ...le16(height),
    0x80, // global colour table, 2 entries (size field 0 -> 2^(0+1))
    0, // background colour index
    0, // pixel aspect ratio
    0xff,
    0xff,
    0xff, // index 0: white paper
    0x00,
    0x00,
    0x00, // index 1: black ink
    0x2c,
    ...le16(0),
    ...le16(0),
    ...le16(width),
    ...le16(height),
    0x00,
    MIN_CODE_SIZE,
    ...subBlocks(lzwEncode(pixels, MIN_CODE_SIZE)),
    0x3b, // trailer
  ];
  return Uint8Array.from(bytes);
}
