/**
 * Delivers each alert notification to every sink: the log, the configured webhook and any
 * extra sink. A failing sink is logged and never blocks the others; `drain` waits (briefly)
 * for deliveries still under way at shutdown.
 */
import type { Logger } from '../../log/logger.ts';
import type { HealthSettings } from '../settings.ts';
import { createLogSink } from './log-sink.ts';
import type { Alert, AlertSink } from './types.ts';
import { createWebhookSink } from './webhook.ts';

export interface NotifierOptions {
  settings: HealthSettings;
  logger: Logger;
  signal: AbortSignal;
  now(): number;
  random(): number;
  webhookFetch?: typeof fetch | undefined;
  sinks?: readonly AlertSink[] | undefined;
}

export interface Notifier {
  notify(alert: Alert): void;
  drain(maxWaitMs: number): Promise<void>;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { logger } = options;
  const sinks: AlertSink[] = [createLogSink(logger), ...(options.sinks ?? [])];
  if (options.settings.webhook) {
    sinks.push(
      createWebhookSink({
        settings: options.settings.webhook,
        logger,
        signal: options.signal,
        now: options.now,
        random: options.random,
        ...(options.webhookFetch ? { fetch: options.webhookFetch } : {}),
      }),
    );
  }
  const deliveries = new Set<Promise<void>>();
  return {
    notify(alert) {
      for (const sink of sinks) {
        const p = Promise.resolve()
          .then(() => sink.send(alert))
          .catch(() => logger.error('alert sink failed', { sink: sink.name, rule: alert.rule }));
        deliveries.add(p);
        void p.finally(() => deliveries.delete(p));
      }
    },
    async drain(maxWaitMs) {
      await Promise.race([
        Promise.allSettled([...deliveries]),
        new Promise((resolve) => setTimeout(resolve, maxWaitMs)),
      ]);
    },
  };
}
