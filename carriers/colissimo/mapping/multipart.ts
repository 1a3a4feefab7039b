/**
 * A small, binary-safe multipart/related reader for Colissimo's label answer: the label part
 * is RAW binary (PDF or ZPL bytes, not base64), so the body is split on bytes, never decoded
 * as text first. Accepts CRLF (the live service) and bare LF (karrio's recorded fixture).
 */

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

const CR = 13;
const LF = 10;
const DASH = 45;

/** The boundary parameter of a multipart content type (quoted or not), or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = from; i <= last; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Position just after the line break at `at` (CRLF or LF), or `at` when there is none. */
function skipLineBreak(bytes: Uint8Array, at: number): number {
  if (bytes[at] === CR && bytes[at + 1] === LF) return at + 2;
  if (bytes[at] === LF) return at + 1;
  return at;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Splits a multipart body into parts. Throws on a body that holds no delimiter at all. */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const decoder = new TextDecoder();
  const parts: MultipartPart[] = [];
  let cursor = indexOf(body, delimiter, 0);
  if (cursor < 0) throw new SyntaxError('multipart body has no boundary delimiter');
  while (cursor >= 0) {
    let start = cursor + delimiter.length;
    // "--boundary--" closes the body.
    if (body[start] === DASH && body[start + 1] === DASH) break;
    start = skipLineBreak(body, start);
    const next = indexOf(body, delimiter, start);
    // A part's body ends at the line break that precedes the next delimiter.
    let end = next < 0 ? body.length : next;
    if (next >= 0) {
      if (end >= 2 && body[end - 2] === CR && body[end - 1] === LF) end -= 2;
      else if (end >= 1 && body[end - 1] === LF) end -= 1;
    }
    const part = body.subarray(start, end);
    // Headers end at the first empty line.
    let headerEnd = -1;
    let bodyStart = 0;
    for (let i = 0; i < part.length; i++) {
      if (part[i] === LF && part[i + 1] === LF) {
        headerEnd = i;
        bodyStart = i + 2;
        break;
      }
      if (part[i] === CR && part[i + 1] === LF && part[i + 2] === CR && part[i + 3] === LF) {
        headerEnd = i;
        bodyStart = i + 4;
        break;
      }
    }
    if (headerEnd < 0) parts.push({ headers: {}, body: part.slice() });
    else
      parts.push({
        headers: parseHeaders(decoder.decode(part.subarray(0, headerEnd))),
        body: part.slice(bodyStart),
      });
    cursor = next;
  }
  return parts;
}

/** The part whose Content-ID is `<id>`. */
export function partById(parts: readonly MultipartPart[], id: string): MultipartPart | undefined {
  return parts.find((p) => (p.headers['content-id'] ?? '').replace(/^<|>$/g, '') === id);
}
