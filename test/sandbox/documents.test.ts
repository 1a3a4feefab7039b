/**
 * The kit's documents are real: the PDF opens in pdfjs-dist with the text in it, the PNG
 * and GIF decode (IDAT inflated; LZW decoded by an independent decoder written here).
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { glyph } from '../../sandbox/kit/documents/font5x7.ts';
import { createDocumentKit } from '../../sandbox/kit/documents/index.ts';

const docs = createDocumentKit();
const LINES = ['1Z999AA10123456784', 'SHIP TO: JANE DOE (REF #42)', 'back\\slash'];

/** A textbook GIF LZW decoder (variable code size, clear and end codes). */
function lzwDecode(data: Uint8Array, minCodeSize: number): number[] {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let size = minCodeSize + 1;
  let dict: number[][] = [];
  const resetDict = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    size = minCodeSize + 1;
  };
  resetDict();
  const out: number[] = [];
  let prev: number[] | undefined;
  let bitPos = 0;
  const read = (): number => {
    let code = 0;
    for (let i = 0; i < size; i++, bitPos++) {
      const bit = ((data[bitPos >> 3] ?? 0) >> (bitPos & 7)) & 1;
      code |= bit << i;
    }
    return code;
  };
  while (bitPos + size <= data.length * 8) {
    const code = read();
    if (code === clear) {
      resetDict();
      prev = undefined;
      continue;
    }
    if (code === end) return out;
    let entry: number[];
    if (code < dict.length) entry = dict[code] ?? [];
    else if (code === dict.length && prev) entry = [...prev, prev[0] ?? 0];
    else throw new Error(`bad LZW code ${code}`);
    out.push(...entry);
    if (prev && dict.length < 4096) dict.push([...prev, entry[0] ?? 0]);
    if (dict.length === 1 << size && size < 12) size += 1;
    prev = entry;
  }
  throw new Error('no end code');
}

describe('documents', () => {
  it('PDF: valid 1.4 with exact xref offsets; pdfjs-dist opens it and finds the text', async () => {
    const bytes = docs.pdf(LINES);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    // Each xref entry points exactly at "<n> 0 obj".
    const xrefAt = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const entries = [...text.slice(xrefAt).matchAll(/(\d{10}) 00000 n /g)].map((m) => Number(m[1]));
    entries.forEach((offset, i) => {
      expect(text.slice(offset).startsWith(`${i + 1} 0 obj\n`)).toBe(true);
    });

    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const task = pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 });
    const doc = await task.promise;
    expect(doc.numPages).toBe(1);
    const content = await (await doc.getPage(1)).getTextContent();
    const extracted = content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
    for (const line of LINES) expect(extracted).toContain(line);
    await task.destroy();
  });

  it('PNG: signature, IHDR dimensions, CRCs, and IDAT inflates to height x (width + 1) bytes', () => {
    const bytes = Buffer.from(docs.png(LINES));
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      const type = bytes.subarray(at + 4, at + 8).toString('ascii');
      const data = bytes.subarray(at + 8, at + 8 + length);
      chunks.push({ type, data });
      at += 12 + length;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0]?.data ?? Buffer.alloc(0);
    const width = ihdr.readUInt32BE(0);
    const height = ihdr.readUInt32BE(4);
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(40);
    expect([ihdr[8], ihdr[9]]).toEqual([8, 0]);
    const raw = inflateSync(chunks[1]?.data ?? Buffer.alloc(0));
    expect(raw.length).toBe(height * (width + 1));
    // Some ink and some paper: text was drawn.
    const pixels = [...raw].filter((_, i) => i % (width + 1) !== 0);
    expect(pixels.filter((p) => p === 0).length).toBeGreaterThan(100);
    expect(pixels.filter((p) => p === 255).length).toBeGreaterThan(100);
  });

  it('GIF: GIF89a header, dimensions, and the LZW stream decodes to width x height pixels', () => {
    const bytes = Buffer.from(docs.gif(LINES));
    expect(bytes.subarray(0, 6).toString('ascii')).toBe('GIF89a');
    const width = bytes.readUInt16LE(6);
    const height = bytes.readUInt16LE(8);
    expect(bytes[10]).toBe(0x80); // global colour table of 2
    let at = 13 + 6;
    expect(bytes[at]).toBe(0x2c);
    expect(bytes.readUInt16LE(at + 5)).toBe(width);
    expect(bytes.readUInt16LE(at + 7)).toBe(height);
    at += 10;
    const minCodeSize = bytes[at] ?? 0;
    at += 1;
    const parts: Buffer[] = [];
    while ((bytes[at] ?? 0) !== 0) {
      const n = bytes[at] ?? 0;
      parts.push(bytes.subarray(at + 1, at + 1 + n));
      at += 1 + n;
    }
    expect(bytes[at + 1]).toBe(0x3b);
    const pixels = lzwDecode(Buffer.concat(parts), minCodeSize);
    expect(pixels.length).toBe(width * height);
    expect(new Set(pixels)).toEqual(new Set([0, 1]));
  });

  it('GIF LZW survives a table reset (a large, busy image)', () => {
    const many = Array.from({ length: 30 }, (_, i) => `LINE ${i} ${'0123456789ABCDEFGHIJ'.repeat(3)}`);
    const bytes = Buffer.from(docs.gif(many));
    const width = bytes.readUInt16LE(6);
    const height = bytes.readUInt16LE(8);
    let at = 13 + 6 + 10;
    const min = bytes[at] ?? 0;
    at += 1;
    const parts: Buffer[] = [];
    while ((bytes[at] ?? 0) !== 0) {
      const n = bytes[at] ?? 0;
      parts.push(bytes.subarray(at + 1, at + 1 + n));
      at += 1 + n;
    }
    expect(lzwDecode(Buffer.concat(parts), min).length).toBe(width * height);
  });

  it('ZPL: ^XA...^XZ with a ^FD field per line and a barcode', () => {
    const zpl = docs.zpl(['1Z999', 'A^B~C']);
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true);
    expect(zpl).toContain('^FD1Z999^FS');
    expect(zpl).toContain('^FDA B C^FS');
    expect(zpl).toMatch(/\^BC.*\^FD1Z999\^FS/);
  });

  it('render() picks the generator and media type by format', () => {
    expect(docs.render('pdf', ['x']).mediaType).toBe('application/pdf');
    expect(Buffer.from(docs.render('ZPL', ['x']).bytes).toString()).toContain('^XA');
    expect(docs.render('GIF', ['x']).mediaType).toBe('image/gif');
    expect(() => docs.render('BMP', ['x'])).toThrow();
  });

  it('every glyph of the 5x7 font is 7 rows of 5 pixels', () => {
    for (const ch of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -.,:/#+()_?') {
      const g = glyph(ch);
      expect(g.length, ch).toBe(7);
      for (const row of g) expect(row.length, ch).toBe(5);
    }
  });
});
