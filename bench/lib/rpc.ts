/** The child side of child.ts: settings in, a 'ready' message out, then remote calls. */
import type { z } from '@hono/zod-openapi';

type Handler = (params: unknown) => unknown;

/** The settings the parent passed as the first argument, checked against `schema`. */
export function settingsOf<S extends z.ZodType>(schema: S): z.infer<S> {
  return schema.parse(JSON.parse(process.argv[2] ?? '{}'));
}

/** Announces readiness and serves calls until the parent disconnects or sends SIGTERM. */
export function serveRpc(
  ready: unknown,
  handlers: Record<string, Handler>,
  onStop: () => Promise<void> = async () => {},
): void {
  const send = (message: unknown) => process.send?.(message);
  process.on('message', async (message: unknown) => {
    const m = message as { type?: unknown; id?: unknown; method?: unknown; params?: unknown };
    if (m?.type !== 'call' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const handler = handlers[m.method];
    try {
      if (!handler) throw new Error(`no method ${m.method}`);
      send({ type: 'reply', id: m.id, result: await handler(m.params) });
    } catch (error) {
      send({ type: 'reply', id: m.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    onStop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  // The parent died: do not linger as an orphan holding ports.
  process.once('disconnect', stop);
  send({ type: 'ready', ready });
}
