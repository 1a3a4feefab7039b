/**
 * Sandbox mode for `npm start` with no configuration: the simulators of every registered
 * carrier on loopback, one gateway account per simulator account, fallback chains, a
 * generated caller key, and the banner. The production entry loads this module only in
 * sandbox mode (a dynamic import), so a production start never loads the simulators.
 */
import { carriers } from '../carriers/index.ts';
import type { ResolvedAccount } from '../src/config/account.ts';
import { printSandboxBanner } from './banner.ts';
import { SANDBOX_FALLBACKS } from './fallbacks.ts';
import { sandboxAccount } from './gateway-accounts.ts';
import { startSandbox } from './server.ts';

export interface SandboxMode {
  accounts: ResolvedAccount[];
  fallbacks: Readonly<Record<string, readonly string[]>>;
  /** A fresh caller key, unless the configuration has keys. */
  apiKey: string;
  printBanner(gatewayUrl: string, apiKey: string): void;
  close(): Promise<void>;
}

export async function startSandboxMode(port: number): Promise<SandboxMode> {
  const sandbox = await startSandbox({ port });
  return {
    accounts: carriers.flatMap((c) =>
      sandbox.accounts(c.id).map((a) => sandboxAccount(c, a, sandbox.baseUrl(c.id))),
    ),
    fallbacks: SANDBOX_FALLBACKS,
    apiKey: `sk_sandbox_${crypto.randomUUID().replaceAll('-', '')}`,
    printBanner: (gatewayUrl, apiKey) =>
      printSandboxBanner({ gatewayUrl, simulatorsUrl: sandbox.url, apiKey }),
    close: () => sandbox.close(),
  };
}
