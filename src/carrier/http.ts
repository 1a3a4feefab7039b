/** Small readers of carrier HTTP answers shared by every adapter's error decoding. */
import { parseRetryAfter } from '../upstream/retry-after.ts';
import type { HeaderLookup, UpstreamResponse } from './definition.ts';

/** Retry-After (seconds or an HTTP date) in milliseconds from `now`; undefined when absent or invalid. */
export const retryAfterMs = (headers: HeaderLookup, now: number = Date.now()): number | undefined =>
  parseRetryAfter(headers.get('retry-after'), now);

/** An HTML page (a proxy's or a load balancer's), not the carrier's own answer. */
export const isHtmlAnswer = (res: Pick<UpstreamResponse, 'headers' | 'text'>): boolean =>
  /html/i.test(res.headers.get('content-type') ?? '') ||
  /^\s*<(!doctype|html)/i.test(res.text().slice(0, 200));

/** A carrier's message as one printable line of at most `max` characters (it ends up in API answers). */
export function clipText(text: string | undefined, max = 300): string | undefined {
  if (text === undefined) return undefined;
  // Control characters (and line breaks) become spaces: one printable line.
  const printable = [...text].map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? ' ' : ch));
  const line = printable.join('').replace(/\s+/g, ' ').trim();
  if (line.length === 0) return undefined;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
