/** The exchange's one signal: the caller's abort or the total timeout, told apart. */
import { describe, expect, it } from 'vitest';
import { startDeadline } from '../../src/upstream/deadline.ts';

describe('startDeadline', () => {
  it('aborts at the total timeout and says so', async () => {
    const deadline = startDeadline(20);
    await new Promise((resolve) => deadline.signal.addEventListener('abort', resolve));
    expect(deadline.timedOut).toBe(true);
    expect((deadline.signal.reason as Error).name).toBe('TimeoutError');
  });

  it("aborts with the caller's reason when the caller goes, without calling it a timeout", () => {
    const caller = new AbortController();
    const deadline = startDeadline(10_000, caller.signal);
    caller.abort(new Error('client closed'));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('client closed');
    expect(deadline.timedOut).toBe(false);
    deadline.done();
  });

  it('starts aborted for a caller already gone', () => {
    const caller = new AbortController();
    caller.abort();
    const deadline = startDeadline(10_000, caller.signal);
    expect(deadline.signal.aborted).toBe(true);
    deadline.done();
  });

  it('once done, neither the timer nor the caller aborts it', async () => {
    const caller = new AbortController();
    const deadline = startDeadline(10, caller.signal);
    deadline.done();
    caller.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.timedOut).toBe(false);
  });

  it('reports the timeout as a plain value, not through a getter', () => {
    // A getter in the returned literal kept each request's deadline alive past V8's young
    // collections (its accessor pair lives in the old generation): see deadline.ts.
    const deadline = startDeadline(10_000);
    const described = Object.getOwnPropertyDescriptor(deadline, 'timedOut');
    expect(described).toMatchObject({ value: false });
    expect(described?.get).toBeUndefined();
    deadline.done();
  });
});
