/** A fetch that keeps a copy of the token endpoint's answers, so the probe can inspect the payload. */
import type { CapturedAnswer } from './token-payload.ts';

/** Answers larger than this are not kept (a token answer is a few KiB at most). */
const MAX_CAPTURE_CHARS = 64_000;

export interface TokenTap {
  fetch: typeof fetch;
  /** The newest token answer since the last clear(). */
  last(): CapturedAnswer | undefined;
  clear(): void;
}

function urlOf(input: Parameters<typeof fetch>[0]): URL | undefined {
  try {
    return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  } catch {
    return undefined;
  }
}

export function createTokenTap(base: typeof fetch, isTokenPath: (path: string) => boolean): TokenTap {
  let latest: CapturedAnswer | undefined;
  return {
    async fetch(input, init) {
      const res = await base(input, init);
      const url = urlOf(input);
      if (url !== undefined && isTokenPath(url.pathname)) {
        const text = await res.clone().text();
        latest = { status: res.status, text: text.slice(0, MAX_CAPTURE_CHARS) };
      }
      return res;
    },
    last: () => latest,
    clear() {
      latest = undefined;
    },
  };
}
