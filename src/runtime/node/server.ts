/**
 * Serves a Web-standard fetch handler on Node (@hono/node-server) and closes gracefully:
 * stop accepting, let in-flight requests finish until the deadline, then destroy what is
 * left, then run onShutdown (close upstream pools).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from '../../log/logger.ts';

export interface FetchApp {
  fetch(request: Request, ...rest: never[]): Response | Promise<Response>;
}

export interface StartServerOptions {
  app: FetchApp;
  port: number;
  host: string;
  /** How long in-flight requests may run once shutdown starts (default 10 s). */
  shutdownTimeoutMs?: number;
  onShutdown?: () => Promise<void>;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Idempotent: every call returns the same shutdown. */
  close(): Promise<void>;
}

const IDLE_SWEEP_MS = 50;

/** Resolves when every connection has ended, or false when the deadline passed first. */
function drain(server: Server, deadlineMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Keep-alive sockets that finish their request become idle: sweep them until none remain.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => finish(false), deadlineMs);
    function finish(drained: boolean) {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(drained);
    }
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const server = createAdaptorServer({
    // The Node bindings ({ incoming }) let routes see the peer address (health's key-usage watch).
    fetch: (request: Request, bindings: unknown) =>
      (options.app as { fetch(r: Request, b?: unknown): Response | Promise<Response> }).fetch(
        request,
        bindings,
      ),
    // The app answers every error itself; this only catches a failure to build the Request.
    autoCleanupIncoming: true,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}`;
  options.logger?.info('listening', { url });

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
    options.logger?.info('shutdown started', { timeoutMs });
    const drained = await drain(server, timeoutMs);
    if (!drained) {
      options.logger?.warn('shutdown deadline reached: closing remaining connections');
      // Destroys the sockets synchronously; the pending close() callback then fires.
      server.closeAllConnections();
    }
    await options.onShutdown?.();
    options.logger?.info('shutdown complete', { drained });
  };
  return {
    url,
    port,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
