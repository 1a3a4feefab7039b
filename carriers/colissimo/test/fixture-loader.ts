/** Loads a wire fixture of ../fixtures as a real UpstreamResponse. */
import { readFileSync } from 'node:fs';
import type { UpstreamResponse } from '../../../src/carrier/definition.ts';
import { upstreamResponse } from '../../../src/upstream/response.ts';

export interface Fixture {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  bodyText?: string;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Fixture;
}

export function fixtureResponse(name: string): UpstreamResponse {
  const f = loadFixture(name);
  const text = f.bodyText ?? JSON.stringify(f.body);
  return upstreamResponse(f.status, new Headers(f.headers), new TextEncoder().encode(text));
}
