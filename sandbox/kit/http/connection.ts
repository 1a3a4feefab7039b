/**
 * Misbehaving at the connection level: hanging until the client gives up, or resetting the
 * socket. Works on @hono/node-server (env.incoming); elsewhere only the abort signal is used.
 */
import type { IncomingMessage } from 'node:http';
import type { AnyContext } from './any-context.ts';

function incomingOf(c: AnyContext): IncomingMessage | undefined {
  const env: unknown = c.env;
  if (env && typeof env === 'object' && 'incoming' in env)
    return (env as { incoming: IncomingMessage }).incoming;
  return undefined;
}

/** Resolves only when the client aborts or its socket closes (the server closing destroys it). */
export function hangUntilClientGone(c: AnyContext): Promise<void> {
  return new Promise((resolve) => {
    const signal = c.req.raw.signal;
    const socket = incomingOf(c)?.socket;
    const done = (): void => {
      signal.removeEventListener('abort', done);
      socket?.off('close', done);
      resolve();
    };
    if (signal.aborted || socket?.destroyed) return resolve();
    signal.addEventListener('abort', done, { once: true });
    socket?.once('close', done);
  });
}

/** Destroys the client's TCP connection (ECONNRESET on its side). */
export function resetConnection(c: AnyContext): void {
  const socket = incomingOf(c)?.socket;
  if (!socket) throw new Error('reset needs @hono/node-server (no socket in c.env)');
  socket.resetAndDestroy();
}
