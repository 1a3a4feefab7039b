/** The one multipart reader: RFC 2046 bodies, and the ways real carrier answers bend it. */
import { describe, expect, it } from 'vitest';
import {
  boundaryOf,
  findPart,
  MultipartError,
  partBase64,
  partJson,
  partText,
  readMultipart,
} from '../../src/carrier/multipart.ts';

const bytes = (...chunks: (string | number[])[]): Uint8Array => {
  const parts = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : new Uint8Array(c)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('readMultipart', () => {
  it('reads the boundary from a content type, quoted or not', () => {
    expect(boundaryOf('multipart/form-data; boundary=6p7jEqRvNj5nnsuzalbLR5zG')).toBe(
      '6p7jEqRvNj5nnsuzalbLR5zG',
    );
    expect(
      boundaryOf('multipart/related; type="application/json"; boundary="uuid:7b1e-4c";start="<jsonInfos>"'),
    ).toBe('uuid:7b1e-4c');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(boundaryOf(null)).toBeUndefined();
  });

  it('splits a CRLF body into parts with names, content ids and exact binary bodies', () => {
    const pdf = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x0d, 0x0a, 0x00, 0xff, 0x2d, 0x2d];
    const body = bytes(
      'preamble\r\n--b1\r\nContent-Disposition: form-data; name="labelMetadata"\r\nContent-Type: application/json\r\n\r\n{"trackingNumber":"9400"}\r\n',
      '--b1\r\nContent-ID: <label>\r\nContent-Type: application/octet-stream\r\n\r\n',
      pdf,
      '\r\n--b1--\r\nepilogue',
    );
    const parts = readMultipart(body, 'b1');
    expect(parts).toHaveLength(2);
    expect(parts[0]?.name).toBe('labelMetadata');
    expect(partJson(findPart(parts, 'labelMetadata'))).toEqual({ trackingNumber: '9400' });
    expect(findPart(parts, 'label')?.contentType).toBe('application/octet-stream');
    expect([...(findPart(parts, 'label')?.body ?? [])]).toEqual(pdf);
  });

  it('accepts bare LF and mixed line breaks', () => {
    const body = bytes(
      '--b\nContent-Disposition: form-data; name="a"\n\nfirst\n--b\r\nContent-Disposition: form-data; name="b"\r\n\nsecond\r\n--b--\n',
    );
    const parts = readMultipart(body, 'b');
    expect(parts.map((p) => [p.name, partText(p)])).toEqual([
      ['a', 'first'],
      ['b', 'second'],
    ]);
  });

  it('accepts a byte order mark before the first delimiter and at the start of a part', () => {
    const body = bytes(
      [0xef, 0xbb, 0xbf],
      '--b\r\nContent-ID: <jsonInfos>\r\n\r\n',
      [0xef, 0xbb, 0xbf],
      '{"ok":1}\r\n--b--',
    );
    const parts = readMultipart(body, 'b');
    expect(partJson(findPart(parts, 'jsonInfos'))).toEqual({ ok: 1 });
  });

  it('accepts a body whose close delimiter never came', () => {
    const body = bytes(
      '--b\r\nContent-ID: <jsonInfos>\r\n\r\n{"a":1}\r\n--b\r\nContent-ID: <label>\r\n\r\n^XA^XZ\r\n',
    );
    const parts = readMultipart(body, 'b');
    expect(parts).toHaveLength(2);
    expect(partText(findPart(parts, 'label')!)).toBe('^XA^XZ');
  });

  it('does not split on the boundary text inside a line, and folds continued headers', () => {
    const body = bytes('--b\r\nContent-Disposition: form-data;\r\n name="x"\r\n\r\nsee --b inside\r\n--b--');
    const parts = readMultipart(body, 'b');
    expect(parts).toHaveLength(1);
    expect(parts[0]?.name).toBe('x');
    expect(partText(parts[0]!)).toBe('see --b inside');
  });

  it('refuses a body where the boundary never appears', () => {
    expect(() => readMultipart(bytes('{"not":"multipart"}'), 'b')).toThrow(MultipartError);
  });
});

describe('partBase64', () => {
  it('drops whitespace inside a base64 part (RFC 2045 6.8), leaves other characters to the decoder', () => {
    const body = bytes('--b\r\nContent-Type: application/pdf\r\n\r\nJVBE Ri0x\r\nLjQ=\t\r\n--b--');
    const [part] = readMultipart(body, 'b');
    expect(partBase64(part!)).toBe('JVBERi0xLjQ=');
    const [garbled] = readMultipart(bytes('--b\r\n\r\nJVBE*i0x\r\n--b--'), 'b');
    expect(partBase64(garbled!)).toBe('JVBE*i0x');
  });
});
