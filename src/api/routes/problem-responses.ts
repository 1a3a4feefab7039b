/** OpenAPI response entries for error statuses, each listing its catalog types. */
import { PROBLEM_TABLE, problemTypeUri } from '../problems.ts';
import { ProblemSchema } from '../schemas.ts';

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying, when known.',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

const WWW_AUTHENTICATE = {
  'WWW-Authenticate': { description: 'Always `Bearer ...`.', schema: { type: 'string' as const } },
};

const ALLOW = {
  Allow: { description: 'The methods this path accepts.', schema: { type: 'string' as const } },
};

const HEADERS_BY_STATUS: Partial<Record<number, Record<string, { description: string; schema: object }>>> = {
  401: WWW_AUTHENTICATE,
  405: ALLOW,
  503: RETRY_AFTER,
};

function describe(status: number): string {
  const rows = PROBLEM_TABLE.filter((p) => p.status === status);
  return rows.map((p) => `\`${problemTypeUri(p.name)}\`: ${p.when}`).join('\n\n');
}

/** `{ 400: {...}, 401: {...} }` for createRoute, content application/problem+json. */
export function problemResponses(statuses: readonly number[]) {
  const out: Record<
    number,
    {
      description: string;
      headers?: Record<string, { description: string; schema: object }>;
      content: { 'application/problem+json': { schema: typeof ProblemSchema } };
    }
  > = {};
  for (const status of statuses) {
    const headers = HEADERS_BY_STATUS[status];
    out[status] = {
      description: describe(status),
      ...(headers ? { headers } : {}),
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}

/** Statuses every authenticated /v1 route may answer. */
export const V1_COMMON = [401, 500] as const;
/** Statuses of a route with a JSON body. */
export const JSON_BODY = [400, 413, 415] as const;
/** Statuses of a route that calls carriers. */
export const CARRIER_CALL = [404, 422, 502, 503] as const;
