/**
 * The webhook sink: POSTs each alert as JSON, signed with HMAC-SHA256 over
 * `<timestamp>.<body>` (headers X-Gateway-Timestamp and X-Gateway-Signature: sha256=<hex>),
 * and retries network errors, 408, 429 and 5xx with doubling, jittered delays. Every retry
 * of one notification carries the same X-Gateway-Delivery id so receivers can dedupe.
 */
import type { Logger } from '../../log/logger.ts';
import type { WebhookSettings } from '../settings.ts';
import type { Alert, AlertSink } from './types.ts';

const encoder = new TextEncoder();
const MAX_BACKOFF_MS = 30_000;

export const SIGNATURE_HEADER = 'x-gateway-signature';
export const TIMESTAMP_HEADER = 'x-gateway-timestamp';
export const DELIVERY_HEADER = 'x-gateway-delivery';

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what receivers recompute. */
export async function signPayload(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return `sha256=${hex(await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`)))}`;
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

export interface WebhookSinkOptions {
  settings: WebhookSettings;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted at shutdown: pending retries stop. */
  signal: AbortSignal;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function createWebhookSink(options: WebhookSinkOptions): AlertSink {
  const { settings, logger, signal } = options;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  // The URL may carry a token in its query: only its origin is ever logged.
  const target = new URL(settings.url).origin;

  return {
    name: 'webhook',
    async send(alert: Alert) {
      const body = JSON.stringify(alert);
      const delivery = crypto.randomUUID();
      for (let attempt = 1; attempt <= settings.maxAttempts && !signal.aborted; attempt++) {
        const timestamp = String(Math.floor(now() / 1000));
        let status: number | undefined;
        try {
          const res = await doFetch(settings.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [TIMESTAMP_HEADER]: timestamp,
              [SIGNATURE_HEADER]: await signPayload(settings.secret, timestamp, body),
              [DELIVERY_HEADER]: delivery,
              'x-gateway-attempt': String(attempt),
            },
            body,
            signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
          });
          status = res.status;
          await res.body?.cancel().catch(() => undefined);
          if (res.ok) return;
          if (!retryable(res.status)) break;
        } catch {
          // Network error or timeout: retried below.
        }
        if (attempt === settings.maxAttempts) break;
        const delay =
          Math.min(MAX_BACKOFF_MS, settings.backoffMs * 2 ** (attempt - 1)) * (0.8 + 0.4 * random());
        logger.warn('alert webhook delivery failed; retrying', {
          target,
          attempt,
          status,
          delayMs: Math.round(delay),
        });
        await sleep(delay, signal);
      }
      logger.error('alert webhook delivery abandoned', { target, rule: alert.rule, alertId: alert.id });
    },
  };
}
