/** The control API validates input (problem+json naming the field) and manages state per carrier. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlError } from '../../sandbox/control-client.ts';
import { type GenericServer, jsonOf, startGeneric } from './support.ts';

let g: GenericServer;
let control: string;
beforeAll(async () => {
  g = await startGeneric();
  control = `${g.sandbox.url}/_control`;
});
afterAll(async () => {
  await g.sandbox.close();
});

const postJson = (path: string, body: unknown) =>
  fetch(`${control}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function fieldsOf(res: Response): Promise<string[]> {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const problem = await jsonOf(res);
  expect(problem.status).toBe(400);
  expect(problem.title).toEqual(expect.any(String));
  return (problem.errors as { field: string }[]).map((e) => e.field);
}

describe('control API input validation', () => {
  it('names the invalid field of a fault', async () => {
    const base = { carrier: 'generic-oauth', target: 'token', kind: 'invalid_grant' };
    expect(await fieldsOf(await postJson('/faults', { ...base, kind: 'explode' }))).toEqual(['kind']);
    expect(await fieldsOf(await postJson('/faults', { ...base, probability: 2 }))).toEqual(['probability']);
    expect(await fieldsOf(await postJson('/faults', { ...base, target: 'api' }))).toEqual(['kind']);
    expect(await fieldsOf(await postJson('/faults', { ...base, params: { status: 42 } }))).toEqual([
      'params.status',
    ]);
    expect(await fieldsOf(await postJson('/faults', { ...base, count: 0 }))).toEqual(['count']);
    expect(await fieldsOf(await postJson('/faults', { target: 'token', kind: 'hang' }))).toEqual(['carrier']);
  });

  it('names the invalid field of modes, revoke and accounts, and refuses non-JSON', async () => {
    expect(
      await fieldsOf(await postJson('/modes', { carrier: 'generic-oauth', strictRotation: 'yes' })),
    ).toEqual(['strictRotation']);
    expect(await fieldsOf(await postJson('/revoke', { account: 'default' }))).toEqual(['carrier']);
    expect(
      await fieldsOf(
        await postJson('/accounts', { carrier: 'generic-oauth', account: { id: 'x', secrets: { a: 1 } } }),
      ),
    ).toEqual(['account.secrets.a']);
    const notJson = await fetch(`${control}/faults`, { method: 'POST', body: 'nope' });
    expect(await fieldsOf(notJson)).toEqual(['(body)']);
  });

  it('answers 404 problem+json for an unknown carrier, and the client throws ControlError', async () => {
    const res = await fetch(`${control}/stats?carrier=nobody`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    await expect(
      g.sandbox.control.injectFault({ carrier: 'nobody', target: 'api', kind: 'hang' }),
    ).rejects.toBeInstanceOf(ControlError);
  });
});

describe('control API state', () => {
  it('lists, clears and resets faults; reset clears stats and keeps accounts', async () => {
    const id = await g.inject({ target: 'api', kind: 'throttled', endpoint: 'ping' });
    const listed = await g.sandbox.control.faults('generic-oauth');
    expect(listed).toEqual([expect.objectContaining({ id, kind: 'throttled', probability: 1, fired: 0 })]);
    await g.sandbox.control.clearFaults();
    expect(await g.sandbox.control.faults()).toEqual([]);

    await g.token({ grant_type: 'client_credentials' });
    await g.sandbox.control.addAccount('generic-oauth', {
      id: 'extra',
      secrets: { clientId: 'x', clientSecret: 'y' },
    });
    expect((await g.sandbox.control.stats('generic-oauth')).tokenCalls.default).toBe(1);
    await g.sandbox.control.reset('generic-oauth');
    expect((await g.sandbox.control.stats('generic-oauth')).tokenCalls).toEqual({});
    expect(g.sandbox.accounts('generic-oauth').map((a) => a.id)).toContain('extra');
  });

  it('an account added through the control API can get tokens; secrets are never echoed', async () => {
    const res = await postJson('/accounts', {
      carrier: 'generic-oauth',
      account: { id: 'added', secrets: { clientId: 'added-client', clientSecret: 'added-s3cret' } },
    });
    expect(res.status).toBe(201);
    expect(await res.text()).not.toContain('added-s3cret');
    const listing = await (await fetch(`${control}/accounts`)).text();
    expect(listing).toContain('added');
    expect(listing).not.toContain('added-s3cret');
    const token = await g.token(
      { grant_type: 'client_credentials' },
      { headers: { authorization: `Basic ${btoa('added-client:added-s3cret')}` } },
    );
    expect(token.status).toBe(200);
  });

  it('modes for an unknown account are refused', async () => {
    const res = await postJson('/modes', {
      carrier: 'generic-oauth',
      account: 'ghost',
      strictRotation: true,
    });
    expect(res.status).toBe(404);
  });
});
