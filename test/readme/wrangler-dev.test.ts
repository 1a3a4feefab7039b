/**
 * The README's `wrangler dev` steps, on a copy of the repository (they write `.dev.vars`
 * where they run): the simulators with `--dev-vars`, the Worker in workerd under wrangler dev,
 * and a rate through it from every US carrier. The README's port 8787 is replaced by a free
 * one, and the simulators' by PORT, so that parallel runs do not collide.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../sandbox/free-port.ts';
import { checkoutCopy } from './checkout.ts';
import {
  jsonValues,
  type ReadmeBlock,
  type RunningBlock,
  readmeBlock,
  runBlock,
  startBlock,
} from './readme.ts';

let work: string;
let copy: string;
let worker: RunningBlock;
let port: number;
const onPort = (block: ReadmeBlock): ReadmeBlock => ({
  ...block,
  code: block.code.replaceAll('8787', String(port)),
});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'readme-wrangler-'));
  copy = await checkoutCopy(join(work, 'app'), { linkNodeModules: true });
  port = await freePort();
  worker = startBlock(onPort(readmeBlock('wrangler-dev')), {
    cwd: copy,
    env: { PORT: String(await freePort()) },
  });
  await worker.waitFor(new RegExp(`Ready on http://127\\.0\\.0\\.1:${port}`), 120_000);
}, 150_000);

afterAll(async () => {
  await worker?.stop();
  await rm(work, { recursive: true, force: true });
}, 30_000);

describe('wrangler dev, as the README says', () => {
  it('starts the simulators, writes .dev.vars, and runs the Worker', () => {
    expect(worker.output()).toContain('wrote .dev.vars');
  });

  it('wrangler-dev-rate: rates from UPS, FedEx and USPS through the Worker', async () => {
    const result = await runBlock(onPort(readmeBlock('wrangler-dev-rate')), { cwd: copy, timeoutMs: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const [answer] = jsonValues(result.stdout) as { rates: { carrier: string }[]; messages: unknown[] }[];
    expect(new Set(answer!.rates.map((r) => r.carrier))).toEqual(new Set(['ups', 'fedex', 'usps']));
    expect(answer!.messages).toEqual([]);
  });
});
