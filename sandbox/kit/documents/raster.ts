/**
 * Draws label lines into a 1-bit raster (text in the 5x7 font plus barcode-like bars of
 * the first line), shared by the PNG and GIF writers.
 */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from './font5x7.ts';

export interface Raster {
  width: number;
  height: number;
  /** Row-major, 1 = ink (black), 0 = paper (white). */
  pixels: Uint8Array;
}

const SCALE = 2;
const MARGIN = 8;
const LINE_GAP = 4;
const BAR_HEIGHT = 40;

export function renderRaster(lines: string[]): Raster {
  const text = lines.length > 0 ? lines : [''];
  const longest = Math.max(...text.map((l) => l.length), 1);
  const charW = (GLYPH_WIDTH + 1) * SCALE;
  const lineH = GLYPH_HEIGHT * SCALE + LINE_GAP;
  const barcodeChars = (text[0] ?? '').slice(0, 40);
  const barcodeW = (barcodeChars.length + 2) * 11;
  const width = Math.max(longest * charW, barcodeW, 64) + 2 * MARGIN;
  const height = text.length * lineH + BAR_HEIGHT + 3 * MARGIN;
  const pixels = new Uint8Array(width * height);
  const ink = (x: number, y: number): void => {
    if (x >= 0 && y >= 0 && x < width && y < height) pixels[y * width + x] = 1;
  };

  text.forEach((line, row) => {
    [...line].forEach((char, col) => {
      glyph(char).forEach((bits, gy) => {
        bits.forEach((on, gx) => {
          if (!on) return;
          for (let dy = 0; dy < SCALE; dy++) {
            for (let dx = 0; dx < SCALE; dx++) {
              ink(MARGIN + col * charW + gx * SCALE + dx, MARGIN + row * lineH + gy * SCALE + dy);
            }
          }
        });
      });
    });
  });

  // Barcode-like bars: each character's code picks a deterministic bar pattern (not scannable).
  const top = MARGIN * 2 + text.length * lineH;
  let x = MARGIN;
  const bars = [
    0b11010011100,
    ...[...barcodeChars].map((c) => 0b10000000001 | ((c.charCodeAt(0) * 37) & 0x1fe)),
    0b11000111010,
  ];
  for (const pattern of bars) {
    for (let bit = 10; bit >= 0; bit--) {
      if ((pattern >> bit) & 1) for (let y = top; y < top + BAR_HEIGHT; y++) ink(x, y);
      x += 1;
    }
  }
  return { width, height, pixels };
}
