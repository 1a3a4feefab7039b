/**
 * Label documents as carriers deliver them: base64 text, raw bytes, ZPL text or a URL. The
 * format reported is the one the bytes are (a PDF asked for and a GIF returned is a GIF),
 * and a document that cannot be read is reported as such rather than passed on as bytes.
 */
import { decodeBase64 } from '../domain/base64.ts';
import { isCarrierError } from '../domain/failure.ts';
import type { LabelFormat } from '../domain/shipment.ts';
import type { CarrierContext } from './definition.ts';

export const MEDIA_TYPES: Readonly<Record<LabelFormat, string>> = {
  PDF: 'application/pdf',
  PNG: 'image/png',
  GIF: 'image/gif',
  ZPL: 'application/x-zpl',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/** The format of a document from its first bytes; undefined when it is none of the label formats. */
export function sniffFormat(bytes: Uint8Array): LabelFormat | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'PNG';
  const head = ascii(bytes, 0, 1024);
  if (/^GIF8[79]a/.test(head)) return 'GIF';
  // PDF readers accept a header anywhere in the first kilobyte.
  if (head.includes('%PDF-')) return 'PDF';
  // ZPL II: commands start with ^ or ~ (^XA, ~DG...), possibly after white space.
  if (/^\s*[~^][A-Z]{2}/.test(head)) return 'ZPL';
  return undefined;
}

/** A carrier's word for a format (ZPL2, ZPLII, ZPL203DPI, pdf...) as a unified format. */
export function formatFromWord(word: string | undefined): LabelFormat | undefined {
  const w = (word ?? '').toUpperCase();
  if (w.startsWith('ZPL')) return 'ZPL';
  if (w === 'PDF' || w === 'PNG' || w === 'GIF') return w;
  return undefined;
}

export type DocumentRead =
  | { ok: true; bytes: Uint8Array; format: LabelFormat; mediaType: string }
  | { ok: false; reason: 'missing' | 'unreadable' | 'not_fetched'; detail: string };

/** Bytes as a label document: the format is sniffed, else the carrier's word for it is used. */
export function documentFromBytes(bytes: Uint8Array, declared?: string): DocumentRead {
  if (bytes.length === 0) return { ok: false, reason: 'missing', detail: 'the label document is empty' };
  const format = sniffFormat(bytes) ?? formatFromWord(declared);
  if (!format) {
    return {
      ok: false,
      reason: 'unreadable',
      detail: 'the label document is not a PDF, PNG, GIF or ZPL document',
    };
  }
  return { ok: true, bytes, format, mediaType: MEDIA_TYPES[format] };
}

/** Base64 text as a label document; invalid or shortened base64 is unreadable, never decoded anyway. */
export function documentFromBase64(text: string | undefined, declared?: string): DocumentRead {
  if (text === undefined || text.trim().length === 0) {
    return { ok: false, reason: 'missing', detail: 'the answer holds no label document' };
  }
  const decoded = decodeBase64(text);
  if (!decoded.ok)
    return { ok: false, reason: 'unreadable', detail: `the label document: ${decoded.detail}` };
  return documentFromBytes(decoded.bytes, declared);
}

/** ZPL labels are text and print as one job when concatenated; other formats cannot be. */
export function concatDocuments(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const REVERSE: Record<string, LabelFormat> = Object.fromEntries(
  Object.entries(MEDIA_TYPES).map(([format, media]) => [media, format as LabelFormat]),
);

/** Media types a label document may be served as; octet-stream and text are sniffed. */
const DOCUMENT_TYPES = new Set([...Object.values(MEDIA_TYPES), 'application/octet-stream', 'text/plain']);

/**
 * Fetches a document the carrier gave as a link (only under the account's hosts: the upstream
 * client refuses others). The served media type must be a label's, and the bytes must be one;
 * a link that cannot be fetched is reported `not_fetched`, the shipment stays bought.
 */
export async function fetchDocument(
  ctx: CarrierContext,
  url: string,
  declared?: string,
): Promise<DocumentRead> {
  let res: Awaited<ReturnType<CarrierContext['request']>>;
  try {
    res = await ctx.request({
      method: 'GET',
      path: '',
      url,
      auth: false,
      headers: { accept: 'application/pdf, application/x-zpl, image/png, image/gif, */*;q=0.1' },
      operation: 'label',
    });
  } catch (error) {
    if (!isCarrierError(error)) throw error;
    return {
      ok: false,
      reason: 'not_fetched',
      detail: `the label document link could not be fetched: ${error.message}`,
    };
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && !DOCUMENT_TYPES.has(type)) {
    return {
      ok: false,
      reason: 'unreadable',
      detail: `the label document link served ${type}, not a label document`,
    };
  }
  const read = documentFromBytes(res.body, declared);
  const served = REVERSE[type];
  if (read.ok && served !== undefined && served !== read.format) {
    return {
      ok: false,
      reason: 'unreadable',
      detail: `the label document link served ${type} but the bytes are ${read.format}`,
    };
  }
  return read;
}
