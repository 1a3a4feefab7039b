/**
 * SIGTERM/SIGINT handling: the first signal closes the server gracefully (see server.ts)
 * and exits 0; a failure during shutdown exits 1. A second signal while closing is ignored
 * (the deadline in server.ts bounds the wait).
 */
import type { Logger } from '../../log/logger.ts';

export interface Closable {
  close(): Promise<void>;
}

export interface ShutdownOptions {
  server: Closable;
  logger?: Logger;
  signals?: readonly NodeJS.Signals[];
  /** Injected so tests can observe the exit code without ending the test process. */
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Runs the shutdown (what a signal does); resolves with the exit code used. */
  shutdown(reason?: string): Promise<number>;
  /** Removes the signal handlers. */
  uninstall(): void;
}

export function installShutdownHandlers(options: ShutdownOptions): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<number> | undefined;

  const shutdown = (reason = 'requested'): Promise<number> => {
    running ??= (async () => {
      options.logger?.info('shutting down', { reason });
      let code = 0;
      try {
        await options.server.close();
      } catch (err) {
        code = 1;
        options.logger?.error('shutdown failed', { errorName: err instanceof Error ? err.name : typeof err });
      }
      exit(code);
      return code;
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  for (const signal of signals) process.on(signal, onSignal);
  return {
    shutdown,
    uninstall: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
