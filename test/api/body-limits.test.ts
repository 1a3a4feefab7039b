/** Oversized bodies are refused before parsing, and the server stays healthy afterwards. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type Harness, jsonPost, problemOf, startHarness, validRateRequest } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bodyLimitBytes: 262_144 });
});
afterAll(() => h.close());

const ONE_MIB = 1024 * 1024;

/** A raw node:http POST, so the test controls Content-Length vs chunked framing exactly. */
function rawPost(
  path: string,
  chunks: Buffer[],
  chunked: boolean,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, h.url);
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          Authorization: `Bearer ${API_KEY}`,
          'Content-Type': 'application/json',
          ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(total) }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // The server may answer and close before the whole body is written: that is the point.
    req.on('error', (err) => {
      if (
        (err as NodeJS.ErrnoException).code !== 'EPIPE' &&
        (err as NodeJS.ErrnoException).code !== 'ECONNRESET'
      )
        reject(err);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('body limits', () => {
  it('a 1 MiB body with Content-Length gets 413 before parsing, then /healthz still answers', async () => {
    const res = await h.fetch('/v1/rates', jsonPost(`{"pad":"${'x'.repeat(ONE_MIB)}"}`));
    expect(res.status).toBe(413);
    expect((await problemOf(res)).type).toBe('/problems/payload-too-large');
    expect(h.gateway.contexts).toHaveLength(0); // never reached the gateway
    const health = await h.fetch('/healthz');
    expect(health.status).toBe(200);
  });

  it('a chunked 1 MiB body is counted while streamed and refused with 413', async () => {
    const chunks = Array.from({ length: 16 }, () => Buffer.alloc(64 * 1024, 0x20));
    const res = await rawPost('/v1/rates', chunks, true);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).type).toBe('/problems/payload-too-large');
    expect((await h.fetch('/healthz')).status).toBe(200);
  });

  it('a chunked body under the limit is accepted', async () => {
    const res = await rawPost('/v1/rates', [Buffer.from(JSON.stringify(validRateRequest()))], true);
    expect(res.status).toBe(200);
  });

  it('a body exactly at the limit is parsed (and then judged on its content)', async () => {
    const body = JSON.stringify(validRateRequest());
    const padded = body + ' '.repeat(262_144 - Buffer.byteLength(body));
    const res = await h.fetch('/v1/rates', jsonPost(padded));
    expect(res.status).toBe(200);
  });

  it('several oversized requests in a row leave the server serving', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await h.fetch('/v1/rates', jsonPost(' '.repeat(300_000)));
      expect(res.status).toBe(413);
    }
    expect((await h.fetch('/v1/rates', jsonPost(validRateRequest()))).status).toBe(200);
  });
});
