/**
 * The one multipart reader (RFC 2046 section 5.1) for carrier answers: USPS labels
 * (multipart/form-data, base64 text parts) and Colissimo labels (multipart/related, raw
 * binary parts). It works on bytes, so binary parts survive. Real answers are not always
 * well formed, so it accepts bare LF line breaks (alone or mixed with CRLF), a UTF-8 byte
 * order mark before the first delimiter or at the start of a part, and a body whose close
 * delimiter never came (the last part runs to the end).
 */
import { parseCarrierJson } from './json.ts';

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Content-Disposition `name` (form-data). */
  name?: string;
  filename?: string;
  /** Content-ID without its angle brackets (multipart/related). */
  contentId?: string;
  contentType?: string;
  body: Uint8Array;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

const CR = 13;
const LF = 10;
const DASH = 45;
const BOM = [0xef, 0xbb, 0xbf] as const;

const hasBom = (bytes: Uint8Array, at: number): boolean =>
  bytes[at] === BOM[0] && bytes[at + 1] === BOM[1] && bytes[at + 2] === BOM[2];

/** The boundary parameter of a multipart content type (quoted or not), or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function matchesAt(haystack: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > haystack.length) return false;
  for (let j = 0; j < needle.length; j++) if (haystack[at + j] !== needle[j]) return false;
  return true;
}

/** The next delimiter at the start of a line (or of the body, after a BOM), from `from`. */
function nextDelimiter(body: Uint8Array, delimiter: Uint8Array, from: number): number {
  const start = hasBom(body, 0) ? 3 : 0;
  for (let i = Math.max(from, start); i <= body.length - delimiter.length; i++) {
    if (body[i] !== DASH || !matchesAt(body, delimiter, i)) continue;
    if (i === start || body[i - 1] === LF) return i;
  }
  return -1;
}

/** Just past the end of the delimiter line: transport padding, then CRLF or LF. */
function afterDelimiterLine(body: Uint8Array, at: number): number {
  let i = at;
  while (body[i] === 32 || body[i] === 9) i++;
  if (body[i] === CR && body[i + 1] === LF) return i + 2;
  if (body[i] === LF) return i + 1;
  return i;
}

/** The line break before a delimiter belongs to the delimiter (RFC 2046), not to the part. */
function withoutTrailingBreak(body: Uint8Array, start: number, end: number): number {
  if (end - 2 >= start && body[end - 2] === CR && body[end - 1] === LF) return end - 2;
  if (end - 1 >= start && body[end - 1] === LF) return end - 1;
  return end;
}

/** Where the headers end: the first empty line, in any mix of CRLF and LF. */
function headerEnd(part: Uint8Array): { head: number; body: number } | undefined {
  // A part that starts with a line break has no headers at all.
  if (part[0] === LF) return { head: 0, body: 1 };
  if (part[0] === CR && part[1] === LF) return { head: 0, body: 2 };
  for (let i = 0; i < part.length; i++) {
    if (part[i] !== LF) continue;
    if (part[i + 1] === LF) return { head: i, body: i + 2 };
    if (part[i + 1] === CR && part[i + 2] === LF) return { head: i, body: i + 3 };
  }
  return undefined;
}

const decoder = new TextDecoder();

function param(value: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return match?.[1] ?? match?.[2];
}

function describe(head: string, body: Uint8Array): MultipartPart {
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of head.split(/\r?\n/)) {
    // A line starting with white space continues the previous header (RFC 5322 folding).
    if (/^[ \t]/.test(line) && last !== undefined) {
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  const part: MultipartPart = { headers, body };
  const disposition = headers['content-disposition'] ?? '';
  const name = param(disposition, 'name');
  const filename = param(disposition, 'filename');
  if (name !== undefined) part.name = name;
  if (filename !== undefined) part.filename = filename;
  if (headers['content-id']) part.contentId = headers['content-id'].replace(/^<|>$/g, '');
  if (headers['content-type']) part.contentType = headers['content-type'];
  return part;
}

/** Every part of a multipart body; throws MultipartError when the boundary never appears. */
export function readMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = nextDelimiter(body, delimiter, 0);
  if (at < 0) throw new MultipartError('the multipart boundary does not appear in the body');
  while (at >= 0) {
    const end = at + delimiter.length;
    // "--boundary--" closes the body; what follows is the epilogue.
    if (body[end] === DASH && body[end + 1] === DASH) break;
    let start = afterDelimiterLine(body, end);
    const next = nextDelimiter(body, delimiter, start);
    const stop = withoutTrailingBreak(body, start, next < 0 ? body.length : next);
    if (hasBom(body, start)) start += 3;
    const raw = body.subarray(start, stop);
    const split = headerEnd(raw);
    if (split) parts.push(describe(decoder.decode(raw.subarray(0, split.head)), raw.slice(split.body)));
    else if (raw.length > 0) parts.push(describe('', raw.slice()));
    at = next;
  }
  return parts;
}

/** The part with this form-data name or Content-ID. */
export function findPart(parts: readonly MultipartPart[], id: string): MultipartPart | undefined {
  return parts.find((p) => p.name === id || p.contentId === id);
}

/** A part's text, without a byte order mark. */
export function partText(part: MultipartPart): string {
  const text = decoder.decode(part.body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A part's base64 text as MIME reads it (RFC 2045 section 6.8): whitespace inside it is not
 * data and is dropped (USPS's own published label answers carry a stray space in the image
 * part). Anything else outside the alphabet is left for the decoder to refuse.
 */
export function partBase64(part: MultipartPart): string {
  return partText(part).replace(/[\t\n\r ]+/g, '');
}

/** A part parsed as JSON, or undefined when it is not JSON. */
export function partJson(part: MultipartPart | undefined): unknown {
  if (!part) return undefined;
  try {
    return parseCarrierJson(partText(part));
  } catch {
    return undefined;
  }
}
