/**
 * A small multipart/form-data reader for the USPS label answer. Web `Response.formData()`
 * is strict about line endings and dispositions; recorded USPS answers mix `\n` and `\r\n`
 * after part headers, so this reader accepts both. Works on bytes (Web-standard only).
 */

export interface MultipartPart {
  name?: string;
  filename?: string;
  contentType?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The boundary parameter of a multipart content type, or undefined. */
export function boundaryOf(contentType: string | null): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const CR = 13;
const LF = 10;

/** Splits a part into headers and body at the first empty line (CRLF CRLF, LF LF or mixed). */
function splitPart(part: Uint8Array): { head: string; body: Uint8Array } {
  for (let i = 0; i < part.length; i++) {
    if (part[i] !== LF) continue;
    // An empty line follows this LF: next byte LF, or CR LF.
    if (part[i + 1] === LF) return { head: decoder.decode(part.subarray(0, i)), body: part.subarray(i + 2) };
    if (part[i + 1] === CR && part[i + 2] === LF) {
      return { head: decoder.decode(part.subarray(0, i)), body: part.subarray(i + 3) };
    }
  }
  return { head: '', body: part };
}

function trimLineBreaks(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  while (start < end && (bytes[start] === CR || bytes[start] === LF)) start++;
  while (end > start && (bytes[end - 1] === CR || bytes[end - 1] === LF)) end--;
  return bytes.subarray(start, end);
}

function parseHeaders(head: string): MultipartPart {
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const disposition = headers['content-disposition'] ?? '';
  const part: MultipartPart = { headers, body: new Uint8Array() };
  const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
  const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
  if (name !== undefined) part.name = name;
  if (filename !== undefined) part.filename = filename;
  if (headers['content-type']) part.contentType = headers['content-type'];
  return part;
}

/** Every part of a multipart body; throws when the boundary never appears. */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delimiter = encoder.encode(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = indexOf(body, delimiter, 0);
  if (at < 0) throw new Error('multipart boundary not found in the body');
  while (at >= 0) {
    const start = at + delimiter.length;
    // `--boundary--` closes the body.
    if (body[start] === 45 && body[start + 1] === 45) break;
    const next = indexOf(body, delimiter, start);
    const raw = body.subarray(start, next < 0 ? body.length : next);
    const { head, body: content } = splitPart(trimLeadingLineBreak(raw));
    if (head) parts.push({ ...parseHeaders(head), body: trimLineBreaks(content) });
    at = next;
  }
  return parts;
}

function trimLeadingLineBreak(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === CR && bytes[1] === LF) return bytes.subarray(2);
  if (bytes[0] === LF) return bytes.subarray(1);
  return bytes;
}

export const partText = (part: MultipartPart): string => decoder.decode(part.body);
