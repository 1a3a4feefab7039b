/** USPS error answers real traffic sends and the first mapping misread (issue 16). */
import { describe, expect, it } from 'vitest';
import { upstreamResponse } from '../../../src/upstream/response.ts';
import { decodeUspsError, realCode } from '../mapping/errors.ts';

const answer = (status: number, body: unknown) =>
  upstreamResponse(
    status,
    new Headers({ 'content-type': 'application/json' }),
    new TextEncoder().encode(JSON.stringify(body)),
  );

describe('USPS error answers', () => {
  it('a 401 whose errors[].source is a string is a USPS error, with its text', () => {
    const decoded = decodeUspsError(
      answer(401, {
        apiVersion: '/prices/v3',
        error: {
          code: '401',
          message: 'Unauthorized',
          errors: [
            {
              status: '401',
              code: 'UNAUTHORIZED',
              title: 'Unauthorized',
              detail: 'Invalid access token',
              source: 'Authorization',
            },
          ],
        },
      }),
    );
    expect(decoded).toEqual({
      failureClass: 'token_expired',
      code: 'UNAUTHORIZED',
      message: 'Unauthorized: Authorization: Invalid access token',
      auth: true,
    });
  });

  it('prefers a real code to a placeholder errors[0].code', () => {
    const decoded = decodeUspsError(
      answer(400, {
        apiVersion: '/prices/v3',
        error: {
          code: '400',
          message: 'Bad Request',
          errors: [
            { code: 'string', detail: 'Package weight does not qualify for this product.' },
            { code: '030004', detail: 'Package weight does not qualify for this product.' },
          ],
        },
      }),
    );
    expect(decoded).toMatchObject({ failureClass: 'rejected', code: '030004' });
    expect(realCode(['', '400'], 400)).toBe('400');
    expect(realCode([undefined, 'TOO_MANY_REQUESTS', '429'], 429)).toBe('TOO_MANY_REQUESTS');
    expect(realCode(['403'], 403)).toBe('403');
  });

  it('nulls in an error body do not hide the error', () => {
    const decoded = decodeUspsError(
      answer(400, {
        apiVersion: null,
        error: {
          code: '400',
          message: 'Bad Request',
          errors: [{ code: '160001', source: null, detail: null, title: 'mailingDate' }],
        },
      }),
    );
    expect(decoded).toMatchObject({
      failureClass: 'rejected',
      code: '160001',
      message: 'Bad Request: mailingDate',
    });
  });
});
