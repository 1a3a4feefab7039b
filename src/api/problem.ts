/** One problem+json answer: an error class the API throws, and its rendering as a Response. */
import { type ProblemName, problemDefinition, problemTypeUri } from './problems.ts';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface FieldIssue {
  /** JSON-pointer-like location, e.g. `/parcels/0/weight/value`. */
  path: string;
  message: string;
}

/** Members beyond type/title/status/detail; only catalog members are ever set. */
export type ProblemMembers = Readonly<Record<string, unknown>>;

/** Thrown anywhere in the API layer; rendered by the app's error handler. */
export class ApiProblem extends Error {
  readonly problem: ProblemName;
  readonly detail: string;
  readonly members: ProblemMembers;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    problem: ProblemName,
    detail: string,
    options: { members?: ProblemMembers; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.problem = problem;
    this.detail = detail;
    this.members = options.members ?? {};
    this.headers = options.headers ?? {};
  }
}

export function problemBody(problem: ProblemName, detail: string, members: ProblemMembers = {}) {
  const def = problemDefinition(problem);
  const body: Record<string, unknown> = {
    type: problemTypeUri(problem),
    title: def.title,
    status: def.status,
    detail,
  };
  for (const [key, value] of Object.entries(members)) if (value !== undefined) body[key] = value;
  return body;
}

export function problemResponse(
  problem: ProblemName,
  detail: string,
  members: ProblemMembers = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(problemBody(problem, detail, members)), {
    status: problemDefinition(problem).status,
    headers: { 'Content-Type': PROBLEM_MEDIA_TYPE, ...headers },
  });
}

export const renderProblem = (p: ApiProblem): Response =>
  problemResponse(p.problem, p.detail, p.members, { ...p.headers });
