/**
 * The problem+json answers of the connect routes. src/auth must not import src/api, so the
 * rows of the API's catalog (src/api/problems.ts) that connect uses are repeated here;
 * test/api/connect-problems.test.ts fails as soon as the two drift apart.
 */
import type { FailureClass } from '../domain/failure.ts';

export const CONNECT_PROBLEMS = {
  'not-found': { title: 'Not found', status: 404 },
  'connect-unsupported': { title: 'Connect not supported', status: 409 },
  'connect-state-invalid': { title: 'Invalid connect state', status: 400 },
  'connect-denied': { title: 'Authorization refused by the carrier', status: 400 },
  'connect-exchange-failed': { title: 'Authorization code exchange failed', status: 502 },
  'connect-store-failed': { title: 'Tokens could not be stored', status: 503 },
} as const;

export type ConnectProblemName = keyof typeof CONNECT_PROBLEMS;

export interface ConnectProblemMembers {
  carrier?: string;
  class?: FailureClass;
}

export function connectProblem(
  name: ConnectProblemName,
  detail: string,
  members: ConnectProblemMembers = {},
): Response {
  const { title, status } = CONNECT_PROBLEMS[name];
  const body: Record<string, unknown> = { type: `/problems/${name}`, title, status, detail };
  for (const [key, value] of Object.entries(members)) if (value !== undefined) body[key] = value;
  return new Response(JSON.stringify(body), {
    status,
    // no-store: the answer may follow a redirect that carried a code and a state.
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}
