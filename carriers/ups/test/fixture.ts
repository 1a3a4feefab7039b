/** Reads a wire fixture of carriers/ups/fixtures/ as parsed JSON. */
import { readFileSync } from 'node:fs';
import type { UpstreamResponse } from '../../../src/carrier/definition.ts';
import { upstreamResponse } from '../../../src/upstream/response.ts';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** A fixture body as the upstream client would hand it to decodeError. */
export function answer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return upstreamResponse(status, new Headers(headers), new TextEncoder().encode(text));
}
