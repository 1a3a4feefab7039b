/**
 * JSON bodies are UTF-8 (RFC 8259 section 8.1). A body declared in another charset would be
 * read as UTF-8 all the same and mean something else, so it is refused with 415.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, problemOf, startHarness, validRateRequest } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const post = (contentType: string, body: BodyInit = JSON.stringify(validRateRequest())) =>
  h.fetch('/v1/rates', { method: 'POST', headers: { 'Content-Type': contentType }, body });

describe('the charset of a JSON body', () => {
  it.each([
    'application/json; charset=utf-16',
    'application/json; charset=UTF-16LE',
    'application/json;charset="iso-8859-1"',
    'application/json; charset=windows-1252',
  ])('%s: 415 problem+json naming the charset, nothing reaches the gateway', async (contentType) => {
    const calls = h.gateway.contexts.length;
    const res = await post(contentType);
    expect(res.status).toBe(415);
    const problem = await problemOf(res);
    expect(problem.type).toBe('/problems/unsupported-media-type');
    const charset = /charset="?([^";]+)/i.exec(contentType)?.[1]?.toLowerCase();
    expect(problem.detail).toContain(`charset=${charset} is not accepted`);
    expect(h.gateway.contexts.length).toBe(calls);
  });

  it('a real UTF-16 body is refused too (it would have been read as UTF-8)', async () => {
    const utf16 = Buffer.from(`\uFEFF${JSON.stringify(validRateRequest())}`, 'utf16le');
    const res = await post('application/json; charset=utf-16', utf16);
    expect(res.status).toBe(415);
  });

  it('a charset that is not a name is not echoed', async () => {
    const res = await post('application/json; charset=<script>x</script>');
    expect(res.status).toBe(415);
    const problem = await problemOf(res);
    expect(JSON.stringify(problem)).not.toContain('<script>');
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json;charset="utf-8"',
    'application/json; charset=utf8',
  ])('%s is accepted', async (contentType) => {
    const res = await post(contentType);
    expect(res.status).toBe(200);
  });
});
