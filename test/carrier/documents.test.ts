/** The base64 decoder that validates and reports, and label documents read as what they are. */
import { describe, expect, it } from 'vitest';
import { documentFromBase64, documentFromBytes, sniffFormat } from '../../src/carrier/documents.ts';
import { decodeBase64, fromBase64, toBase64 } from '../../src/domain/base64.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const PDF = enc('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n');

describe('decodeBase64', () => {
  it('round-trips, and ignores MIME line breaks', () => {
    const b64 = toBase64(PDF);
    expect(fromBase64(b64)).toEqual(PDF);
    const wrapped = b64.replace(/(.{16})/g, '$1\r\n');
    expect(decodeBase64(wrapped)).toEqual({ ok: true, bytes: PDF });
  });

  it('reports shortened, garbled and empty text instead of decoding it anyway', () => {
    const b64 = toBase64(PDF);
    expect(decodeBase64(b64.slice(0, -3))).toMatchObject({ ok: false, problem: 'length' });
    expect(decodeBase64('encoded label')).toMatchObject({ ok: false, problem: 'alphabet' });
    expect(decodeBase64('')).toMatchObject({ ok: false, problem: 'empty' });
    expect(() => fromBase64('abc')).toThrow(RangeError);
  });
});

describe('label documents', () => {
  it('sniffs the format from the bytes', () => {
    expect(sniffFormat(PDF)).toBe('PDF');
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('PNG');
    expect(sniffFormat(enc('GIF89a....'))).toBe('GIF');
    expect(sniffFormat(enc('\n^XA^FO50,50^FDx^FS^XZ'))).toBe('ZPL');
    expect(sniffFormat(enc('hello'))).toBeUndefined();
  });

  it('reports the format returned, not the one asked for', () => {
    const read = documentFromBase64(toBase64(enc('GIF89a....')), 'PDF');
    expect(read).toMatchObject({ ok: true, format: 'GIF', mediaType: 'image/gif' });
  });

  it('uses the carrier word only when the bytes say nothing, and refuses what is no document', () => {
    expect(documentFromBytes(enc('CT~~CD,~CC^~CT~'), 'ZPL2')).toMatchObject({ ok: true, format: 'ZPL' });
    expect(documentFromBytes(enc('hello'))).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(documentFromBase64(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(documentFromBase64(toBase64(PDF).slice(0, 10))).toMatchObject({ ok: false, reason: 'unreadable' });
  });
});
