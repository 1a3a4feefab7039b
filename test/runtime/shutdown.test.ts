/**
 * Graceful shutdown: in-flight requests finish, new connections are refused, onShutdown
 * runs, the exit code is 0; a request still running at the deadline is cut off.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { type RunningServer, startServer } from '../../src/runtime/node/server.ts';
import { installShutdownHandlers } from '../../src/runtime/node/shutdown.ts';
import { FakeGateway } from '../support/fake-gateway.ts';

const KEY = 'k';
const rateBody = JSON.stringify({
  shipper: { lines: ['1 Main St'], city: 'Atlanta', countryCode: 'US' },
  recipient: { lines: ['2 Elm St'], city: 'Boston', countryCode: 'US' },
  parcels: [{ weight: { value: 1, unit: 'kg' } }],
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(shutdownTimeoutMs: number) {
  const gateway = new FakeGateway();
  const server: RunningServer = await startServer({
    app: createApp({ gateway, apiKeys: [KEY] }),
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs,
    onShutdown: () => gateway.close(),
  });
  cleanups.push(() => server.close());
  const exits: number[] = [];
  // No process signal handlers inside the test runner: the child-process test covers those.
  const handle = installShutdownHandlers({ server, signals: [], exit: (code) => exits.push(code) });
  const postRates = () =>
    fetch(`${server.url}/v1/rates`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: rateBody,
    });
  return { gateway, server, exits, handle, postRates };
}

/** Resolves with the connection error code (or 'connected'). */
const tryConnect = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });

describe('graceful shutdown (in process)', () => {
  it('finishes the in-flight request, refuses new connections, runs onShutdown, exits 0', async () => {
    const { gateway, server, exits, handle, postRates } = await start(10_000);
    const hold = gateway.holdNext();
    const inFlight = postRates();
    await hold.entered;

    const shutdown = handle.shutdown('test');
    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
    expect(gateway.closed).toBe(false); // onShutdown waits for in-flight work

    hold.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rates: unknown[] }).rates).toHaveLength(2);
    expect(await shutdown).toBe(0);
    expect(exits).toEqual([0]);
    expect(gateway.closed).toBe(true);
  });

  it('cuts off a request still running at the deadline, then completes', async () => {
    const { gateway, exits, handle, postRates } = await start(200);
    const hold = gateway.holdNext();
    cleanups.push(() => hold.release());
    const inFlight = postRates();
    await hold.entered;
    expect(await handle.shutdown('deadline test')).toBe(0);
    await expect(inFlight).rejects.toThrow();
    expect(exits).toEqual([0]);
    expect(gateway.closed).toBe(true);
  });

  it('close() is idempotent', async () => {
    const { server } = await start(1_000);
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });
});

describe('SIGTERM on a real process', () => {
  it('lets the in-flight request finish with 200 and exits 0 after onShutdown', async () => {
    const child = spawn(process.execPath, ['test/runtime/fixtures/slow-server.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const events: Record<string, unknown>[] = [];
    const waiters: { event: string; resolve: (e: Record<string, unknown>) => void }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const w of waiters.filter((w) => w.event === event.event)) w.resolve(event);
    });
    const waitFor = (event: string) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const seen = events.find((e) => e.event === event);
        if (seen) resolve(seen);
        else waiters.push({ event, resolve });
      });

    const { url } = (await waitFor('listening')) as { url: string };
    const inFlight = fetch(`${url}/v1/slow`, { headers: { Authorization: `Bearer ${KEY}` } });
    await waitFor('entered');
    child.kill('SIGTERM');

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    expect(await exited).toBe(0);
    expect(events.map((e) => e.event)).toEqual(['listening', 'entered', 'onShutdown']);
  });
});
