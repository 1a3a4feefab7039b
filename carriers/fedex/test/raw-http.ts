/**
 * Raw HTTP for simulator tests: node:http, so the body arrives exactly as sent (gzip is NOT
 * undone for us, unlike fetch) and the test can check the encoding itself.
 */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Bytes on the wire. */
  raw: Buffer;
  /** Bytes after undoing Content-Encoding: gzip. */
  body: Buffer;
  json(): unknown;
}

export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        headers: options.headers,
        signal: options.signal ?? AbortSignal.timeout(10_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw,
            body,
            json: () => JSON.parse(body.toString('utf8')),
          });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();
