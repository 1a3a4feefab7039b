/**
 * Content decoding of an upstream answer, as WHATWG fetch does it (gzip, deflate, br; several
 * codings undone in reverse order; an unknown coding leaves the bytes as they came).
 * Small bodies are decoded inline: a thread-pool round trip costs more than the work.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const INLINE_BYTES = 64 * 1024;

const asyncDecoders = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};
const syncDecoders = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync };

type Coding = keyof typeof syncDecoders;

function codingOf(token: string): Coding | undefined {
  const name = token.trim().toLowerCase();
  if (name === 'gzip' || name === 'x-gzip') return 'gzip';
  if (name === 'deflate' || name === 'br') return name;
  return undefined;
}

// Servers that say "deflate" sometimes send raw deflate without the zlib wrapper.
const RAW_DEFLATE = { sync: zlib.inflateRawSync, async: promisify(zlib.inflateRaw) };

async function decodeOnce(bytes: Uint8Array, coding: Coding): Promise<Uint8Array> {
  const inline = bytes.byteLength <= INLINE_BYTES;
  try {
    return inline ? syncDecoders[coding](bytes) : await asyncDecoders[coding](bytes);
  } catch (error) {
    if (coding !== 'deflate') throw error;
    return inline ? RAW_DEFLATE.sync(bytes) : await RAW_DEFLATE.async(bytes);
  }
}

export async function decompress(bytes: Uint8Array, contentEncoding: string): Promise<Uint8Array> {
  if (bytes.byteLength === 0) return bytes;
  const codings = contentEncoding.split(',').map(codingOf);
  if (codings.includes(undefined)) return bytes;
  let body = bytes;
  for (const coding of codings.reverse()) body = await decodeOnce(body, coding as Coding);
  return body;
}
