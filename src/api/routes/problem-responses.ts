/** OpenAPI response entries for error statuses, each listing its catalog types. */
import { PROBLEM_TABLE, type ProblemDefinition, type ProblemName, problemTypeUri } from '../problems.ts';
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

/** Types answered only by some routes (the connect flow) are left out of every other route. */
const everyRoute = (p: ProblemDefinition): boolean => p.routes === undefined;

function describe(status: number, rows: readonly ProblemDefinition[]): string {
  return rows
    .filter((p) => p.status === status)
    .map((p) => `\`${problemTypeUri(p.name as ProblemName)}\`: ${p.when}`)
    .join('\n\n');
}

/** `{ 400: {...}, 401: {...} }` for createRoute, content application/problem+json. */
export function problemResponses(statuses: readonly number[]) {
  return responsesFor(statuses, PROBLEM_TABLE.filter(everyRoute));
}

/** The error responses of a route that answers exactly these types (e.g. the connect flow). */
export function problemResponsesFor(names: readonly ProblemName[]) {
  const rows = PROBLEM_TABLE.filter((p) => names.includes(p.name));
  return responsesFor([...new Set(rows.map((p) => p.status))], rows);
}

function responsesFor(statuses: readonly number[], rows: readonly ProblemDefinition[]) {
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
      description: describe(status, rows),
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
