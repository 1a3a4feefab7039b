/**
 * The one base64 codec of the project, Web-standard (atob/btoa work on Node and in workerd).
 * Decoding validates and reports instead of guessing: `atob` is forgiving (it skips spaces
 * and accepts missing padding), so a shortened or garbled label would silently decode to
 * broken bytes. Line breaks may wrap the text (MIME style); nothing else is skipped.
 */

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Why a text is not base64. */
export type Base64Problem = 'empty' | 'alphabet' | 'length';

export type Base64Result =
  | { ok: true; bytes: Uint8Array<ArrayBuffer> }
  | { ok: false; problem: Base64Problem; detail: string };

const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard base64 (RFC 4648 section 4). Line breaks are ignored; the text must be
 * padded to a multiple of four: an unpadded remainder is what a shortened document looks like.
 */
export function decodeBase64(text: string): Base64Result {
  const compact = text.trim().replace(/\r?\n/g, '');
  if (compact.length === 0) return { ok: false, problem: 'empty', detail: 'base64 text is empty' };
  if (!ALPHABET.test(compact)) {
    return { ok: false, problem: 'alphabet', detail: 'base64 text holds characters outside its alphabet' };
  }
  if (compact.length % 4 !== 0) {
    return {
      ok: false,
      problem: 'length',
      detail: `base64 text of ${compact.length} characters is not a whole number of 4-character groups (shortened?)`,
    };
  }
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return { ok: true, bytes };
}

/** Strict decoding for data the gateway wrote itself; throws a RangeError on invalid text. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const result = decodeBase64(text);
  if (!result.ok) throw new RangeError(result.detail);
  return result.bytes;
}
