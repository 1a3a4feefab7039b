/**
 * The event stream: emitters call `emit`, subscribers are called synchronously in the
 * emitter's context (so a telemetry subscriber can annotate the active span). A subscriber
 * that throws is contained: it can never break the request path or keep the others from
 * hearing the event. Subscribers must stay cheap; anything slow belongs behind a queue.
 */
import type { GatewayEvent, GatewayEventType } from './types.ts';

export type EventHandler<E extends GatewayEvent = GatewayEvent> = (event: E) => void;

/** What an emitter is given: only the right to emit. */
export interface EventSink {
  emit(event: GatewayEvent): void;
}

export interface EventBus extends EventSink {
  /** Every event; returns the unsubscription. */
  subscribe(handler: EventHandler): () => void;
  /** Only events of one type. */
  on<T extends GatewayEventType>(
    type: T,
    handler: EventHandler<Extract<GatewayEvent, { type: T }>>,
  ): () => void;
}

/** Emits nothing anywhere (components built without a bus, unit tests). */
export const silentEvents: EventSink = { emit: () => undefined };

export function createEventBus(onSubscriberError?: (error: unknown, event: GatewayEvent) => void): EventBus {
  let handlers: readonly EventHandler[] = [];
  const bus: EventBus = {
    emit(event) {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch (error) {
          try {
            onSubscriberError?.(error, event);
          } catch {
            // The error reporter failing too must not escape either.
          }
        }
      }
    },
    subscribe(handler) {
      // Copy on write: a subscriber added or removed during an emit takes effect next time.
      handlers = [...handlers, handler];
      return () => {
        handlers = handlers.filter((h) => h !== handler);
      };
    },
    on(type, handler) {
      return bus.subscribe((event) => {
        if (event.type === type) handler(event as Extract<GatewayEvent, { type: typeof type }>);
      });
    },
  };
  return bus;
}
