import type { UpstreamResponse } from '../carrier/definition.ts';
import { parseCarrierJson } from '../carrier/json.ts';
import type { HeaderLookup } from './transport.ts';

const decoder = new TextDecoder();

/** Wraps a fully read answer; text and JSON are decoded once, on first use. */
export function upstreamResponse(status: number, headers: HeaderLookup, body: Uint8Array): UpstreamResponse {
  let text: string | undefined;
  let parsed: { value: unknown } | undefined;
  return {
    status,
    headers,
    body,
    text() {
      text ??= decoder.decode(body);
      return text;
    },
    json() {
      if (!parsed) {
        try {
          parsed = { value: parseCarrierJson(this.text()) };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}
