/**
 * MyDHL error answers in the real wire shape (supermodelIoLogisticsExpressErrorResponse,
 * served as application/problem+json). Quirks kept: `status` is a string ("400") on
 * shipments and tracking as in the spec, a number on rates as in recorded answers, and the
 * 500 shape carries `code` instead of `status`.
 */
import type { AuthErrorRenderer, ErrorRenderOptions } from '../../../sandbox/kit/index.ts';

export const PROBLEM = 'application/problem+json';

export function problem(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': PROBLEM, ...headers } });
}

export interface ProblemInit {
  instance: string;
  detail: string;
  title: string;
  message: string;
  /** 'string' as the spec shows, 'number' as recorded answers show. */
  statusType?: 'string' | 'number';
  additionalDetails?: string[];
}

export function mydhlProblem(status: number, init: ProblemInit): Response {
  const { statusType = 'string', ...rest } = init;
  return problem(status, { ...rest, status: statusType === 'number' ? status : String(status) });
}

/** 422 "#/path: required key [x] not found" (spec's schema-validation example shape). */
export const validationError = (instance: string, detail: string): Response =>
  mydhlProblem(422, { instance, detail, title: 'Validation error', message: 'Unprocessable Entity' });

export const badRequest = (instance: string, detail: string, statusType?: 'string' | 'number'): Response =>
  mydhlProblem(400, {
    instance,
    detail,
    title: 'Bad request',
    message: 'Bad request',
    ...(statusType ? { statusType } : {}),
  });

const retryHeaders = (o: ErrorRenderOptions | undefined): Record<string, string> =>
  o?.retryAfterHeader === undefined ? {} : { 'retry-after': o.retryAfterHeader };

/**
 * MyDHL has no token endpoint, so token-target faults never reach it; API faults render in
 * the problem shape. The spec documents no 401: this one follows its error schema, with the
 * WWW-Authenticate a Basic-protected API sends.
 */
export const mydhlRenderer: AuthErrorRenderer = {
  token() {
    return problem(401, {
      title: 'Unauthorized',
      detail: 'Invalid Credentials',
      message: 'Unauthorized',
      status: '401',
    });
  },
  unauthorized() {
    return problem(
      401,
      { title: 'Unauthorized', detail: 'Invalid Credentials', message: 'Unauthorized', status: '401' },
      { 'www-authenticate': 'Basic realm="MyDHL API"' },
    );
  },
  throttled(o) {
    return problem(
      429,
      {
        title: 'Too Many Requests',
        detail: 'Rate limit quota violation. Quota limit exceeded',
        message: 'Too Many Requests',
        status: '429',
      },
      retryHeaders(o),
    );
  },
  serverError(status) {
    return problem(status, {
      instance: '/expressapi',
      detail: '999: Process failure occurred. Process ID associated for that transaction (1234567890)',
      title: 'Internal Server Error',
      message: 'Internal Server Error',
      code: String(status),
    });
  },
};
