/**
 * The gateway in sandbox mode, composed in-process the way `npm start` composes it with no
 * configuration (sandbox/mode.ts, then the Node composition root), on ephemeral ports.
 */
import { carriers as registry } from '../../carriers/index.ts';
import { type SandboxMode, startSandboxMode } from '../../sandbox/mode.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { HealthOptions } from '../../src/core/compose.ts';
import { createLogger } from '../../src/log/logger.ts';
import { type Composed, composeGateway } from '../../src/runtime/node/compose.ts';
import { type RunningServer, startServer } from '../../src/runtime/node/server.ts';
import { onFreePort } from './free-port.ts';

export interface SandboxGateway {
  url: string;
  mode: SandboxMode;
  composed: Composed;
  apiKey: string;
  adminKey: string;
  logLines: { level: string; msg: string }[];
  close(): Promise<void>;
}

export function startSandboxGateway(health: HealthOptions = {}): Promise<SandboxGateway> {
  // The connect flow's callback URL is built from the configured port: it must be the real one.
  return onFreePort(async (port) => {
    const mode = await startSandboxMode();
    const { config } = await loadConfig({ env: { PORT: String(port) }, registry });
    const logLines: SandboxGateway['logLines'] = [];
    const composed = await composeGateway({
      config: { ...config, adminKeys: mode.adminKeys },
      accounts: mode.accounts,
      apiKeys: mode.apiKeys,
      defaultFallbacks: mode.fallbacks,
      logger: createLogger({ level: 'info', write: (line) => logLines.push(JSON.parse(line)) }),
      health,
    });
    let server: RunningServer;
    try {
      server = await startServer({ app: composed.app, port, host: '127.0.0.1', shutdownTimeoutMs: 2_000 });
    } catch (error) {
      await composed.close();
      await mode.close();
      throw error;
    }
    return {
      url: server.url,
      mode,
      composed,
      apiKey: mode.apiKeys[0]!,
      adminKey: mode.adminKeys[0]!,
      logLines,
      async close() {
        await server.close();
        await composed.close();
        await mode.close();
      },
    };
  });
}
