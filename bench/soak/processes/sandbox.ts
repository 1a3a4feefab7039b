/** The carrier simulators as their own process, as `npm run simulators` starts them (`node sandbox/main.ts`). */
import { join } from 'node:path';
import { type ControlClient, createControlClient } from '../../../sandbox/control-client.ts';
import { freePort, waitFor } from '../lib/ports.ts';
import { killHard, type Spawned, spawnNode, stopGently } from './spawn.ts';

export interface SoakSandbox {
  url: string;
  control: ControlClient;
  pid: number | undefined;
  baseUrl(carrier: string): string;
  stop(): Promise<void>;
}

export async function startSoakSandbox(logDir: string): Promise<SoakSandbox> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned: Spawned = spawnNode('sandbox/main.ts', { PORT: String(port) }, join(logDir, 'sandbox.log'));
  const control = createControlClient(`${url}/_control`);
  try {
    await waitFor(
      async () => spawned.child.exitCode === null && (await control.faults()).length >= 0,
      60_000,
      'the sandbox did not start (see sandbox.log)',
    );
  } catch (error) {
    await killHard(spawned);
    throw error;
  }
  return {
    url,
    control,
    pid: spawned.child.pid,
    baseUrl: (carrier) => `${url}/${carrier}`,
    stop: () => stopGently(spawned),
  };
}
