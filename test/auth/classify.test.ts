import { describe, expect, it } from 'vitest';
import {
  classifyAnswer,
  classifyNetworkError,
  parseJsonLoose,
  parseRetryAfter,
} from '../../src/auth/classify.ts';
import type { TokenEndpointAnswer } from '../../src/auth/profile.ts';

function answer(status: number, text: string, headers: Record<string, string> = {}): TokenEndpointAnswer {
  return { status, headers: new Headers(headers), text, json: parseJsonLoose(text) };
}
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('token failure classification (no server needed)', () => {
  it('maps RFC 6749 error codes to classes', () => {
    const cls = (code: string, status = 400) =>
      classifyAnswer(
        answer(status, JSON.stringify({ error: code }), { 'content-type': 'application/json' }),
        NOW,
      ).failureClass;
    expect(cls('invalid_client', 401)).toBe('misconfigured');
    expect(cls('invalid_scope')).toBe('misconfigured');
    expect(cls('unsupported_grant_type')).toBe('misconfigured');
    expect(cls('invalid_request')).toBe('misconfigured');
    expect(cls('invalid_grant')).toBe('revoked');
    expect(cls('temporarily_unavailable', 503)).toBe('unavailable');
    expect(cls('slow_down')).toBe('throttled');
  });

  it('429 is throttled with Retry-After in seconds, as an HTTP date, or absent', () => {
    expect(classifyAnswer(answer(429, '', { 'retry-after': '7' }), NOW)).toMatchObject({
      failureClass: 'throttled',
      retryAfterMs: 7000,
    });
    const date = new Date(NOW + 12_000).toUTCString();
    expect(classifyAnswer(answer(429, '', { 'retry-after': date }), NOW).retryAfterMs).toBe(12_000);
    expect(classifyAnswer(answer(429, 'slow down'), NOW)).toMatchObject({
      failureClass: 'throttled',
      retryAfterMs: undefined,
    });
    expect(parseRetryAfter('garbage', NOW)).toBeUndefined();
  });

  it('quota text on a 403 is throttled, never revoked', () => {
    expect(classifyAnswer(answer(403, '{"message":"Quota Limit Exceeded"}'), NOW).failureClass).toBe(
      'throttled',
    );
  });

  it('5xx, HTML pages and JSON-as-text without an OAuth error are unavailable; with one they are classified', () => {
    expect(classifyAnswer(answer(503, '{}'), NOW).failureClass).toBe('unavailable');
    expect(
      classifyAnswer(answer(403, '<html>WAF</html>', { 'content-type': 'text/html' }), NOW).failureClass,
    ).toBe('unavailable');
    expect(
      classifyAnswer(answer(400, '{"message":"nope"}', { 'content-type': 'text/plain' }), NOW).failureClass,
    ).toBe('unavailable');
    expect(
      classifyAnswer(answer(400, '{"error":"invalid_client"}', { 'content-type': 'text/plain' }), NOW)
        .failureClass,
    ).toBe('misconfigured');
  });

  it('a WWW-Authenticate error is a structured OAuth error', () => {
    const a = answer(401, '', { 'www-authenticate': 'Basic realm="x", error="invalid_client"' });
    expect(classifyAnswer(a, NOW)).toMatchObject({ failureClass: 'misconfigured', code: 'invalid_client' });
  });

  it('a 2xx without a usable token is malformed, even when a carrier decoder has a verdict', () => {
    expect(classifyAnswer(answer(200, '{"error":"invalid_client"}'), NOW).failureClass).toBe('malformed');
    expect(classifyAnswer(answer(200, '{"token_type":"bearer"}'), NOW).failureClass).toBe('malformed');
    expect(classifyAnswer(answer(200, '{broken'), NOW).failureClass).toBe('malformed');
    const decoder = () => ({ failureClass: 'misconfigured' as const, code: 'X' });
    expect(classifyAnswer(answer(200, '{"ok":false}'), NOW, decoder).failureClass).toBe('malformed');
  });

  it('the carrier decoder speaks first on error statuses; free text never becomes a code', () => {
    const decoder = (a: TokenEndpointAnswer) =>
      a.status === 401 ? { failureClass: 'misconfigured' as const, code: 'NOT.AUTHORIZED.ERROR' } : undefined;
    expect(classifyAnswer(answer(401, '{"errors":[]}'), NOW, decoder)).toMatchObject({
      failureClass: 'misconfigured',
      code: 'NOT.AUTHORIZED.ERROR',
    });
    const leaky = () => ({ failureClass: 'revoked' as const, code: 'secret value with spaces s3cr3t!' });
    expect(classifyAnswer(answer(400, '{}'), NOW, leaky).code).toBeUndefined();
  });

  it('network failures and timeouts are unavailable', () => {
    expect(classifyNetworkError(new TypeError('fetch failed'), false)).toMatchObject({
      failureClass: 'unavailable',
      code: 'network_error',
    });
    expect(classifyNetworkError(new Error('x'), true)).toMatchObject({
      failureClass: 'unavailable',
      code: 'timeout',
    });
  });
});
