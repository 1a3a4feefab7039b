/** The simulator measures concurrent token calls per account (what a stampede looks like). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GenericServer, startGeneric } from './support.ts';

let g: GenericServer;
beforeAll(async () => {
  g = await startGeneric();
});
afterAll(async () => {
  await g.sandbox.close();
});

describe('token call concurrency', () => {
  it('counts the peak of concurrent calls exactly; sequential calls peak at 1', async () => {
    // Hanging calls stay in flight until aborted, so the peak is deterministic.
    await g.inject({ target: 'token', kind: 'hang', count: 5 });
    const abort = new AbortController();
    const calls = Array.from({ length: 5 }, () =>
      g.token({ grant_type: 'client_credentials' }, { signal: abort.signal }).catch(() => 'aborted'),
    );
    for (
      let i = 0;
      i < 400 && (await g.sandbox.control.stats('generic-oauth')).tokenCalls.default !== 5;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    let stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.tokenCalls.default).toBe(5);
    expect(stats.maxConcurrentTokenCalls.default).toBe(5);
    abort.abort();
    expect(await Promise.all(calls)).toEqual(Array(5).fill('aborted'));

    await g.sandbox.control.reset();
    for (let i = 0; i < 3; i++)
      expect((await g.token({ grant_type: 'client_credentials' })).status).toBe(200);
    stats = await g.sandbox.control.stats('generic-oauth');
    expect(stats.tokenCalls.default).toBe(3);
    expect(stats.maxConcurrentTokenCalls.default).toBe(1);
  });
});
