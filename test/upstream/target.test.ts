/** The upstream target built from a parsed base equals what the URL parser makes of the same parts. */
import { describe, expect, it } from 'vitest';
import { joinTarget, targetOf } from '../../src/upstream/target.ts';

function viaUrl(base: string, path: string, query: Record<string, string> = {}) {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return targetOf(url);
}

const bases = [
  'https://onlinetools.ups.com',
  'https://apis-sandbox.fedex.com/',
  'http://127.0.0.1:4010/ups',
  'http://127.0.0.1:4010/ups/',
  'https://EXAMPLE.com:443/api//',
  'http://[::1]:8080/x',
  'https://host/base?fixed=1',
  'https://host/b%20ase',
];
const paths = [
  '/api/rating/v2409/Shop',
  '/track/v1/details/1Z999AA10123456784',
  '/labels/a.b.pdf',
  '/.well-known/jwks.json',
  '/a/../b',
  '/a/./b',
  '/a b',
  '/ä/ö',
  '/x?y=1',
  '/a//b',
  '/%2F/100%',
  '/q#frag',
  'relative',
];
const queries: Record<string, string>[] = [{}, { locale: 'en_US' }, { 'a b': 'c&d', e: 'ü=1' }];

describe('joinTarget', () => {
  it.each(bases)('equals new URL for base %s', (base) => {
    for (const path of paths)
      for (const query of queries)
        expect(joinTarget(base, path, query), `${base} ${path} ${JSON.stringify(query)}`).toEqual(
          viaUrl(base, path, query),
        );
  });

  it('gives the telemetry URL without the query, and the default port of the scheme', () => {
    expect(joinTarget('https://h.example', '/p', { secret: 's' })).toEqual({
      origin: 'https://h.example',
      path: '/p?secret=s',
      hostname: 'h.example',
      port: 443,
      safe: 'https://h.example/p',
    });
  });
});
