/** Turns zod issues into the `errors` list of a validation problem: every issue, one entry each. */
import type { z } from '@hono/zod-openapi';
import { ApiProblem, type FieldIssue } from './problem.ts';

const escapeSegment = (segment: PropertyKey): string =>
  String(segment).replaceAll('~', '~0').replaceAll('/', '~1');

/** `['parcels', 0, 'weight']` -> `/parcels/0/weight` (RFC 6901 escaping); the root is ``. */
export const toPointer = (path: readonly PropertyKey[]): string =>
  path.map((s) => `/${escapeSegment(s)}`).join('');

/** Where the input came from; body paths stay bare, others are prefixed so the caller knows. */
const TARGET_PREFIX: Record<string, string> = {
  json: '',
  header: '/headers',
  param: '/params',
  query: '/query',
};

export function fieldIssues(error: z.ZodError, target = 'json'): FieldIssue[] {
  const prefix = TARGET_PREFIX[target] ?? `/${target}`;
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = prefix + toPointer(issue.path);
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown key so the caller sees each offending field.
      for (const key of issue.keys)
        issues.push({ path: `${base}/${escapeSegment(key)}`, message: 'unknown field' });
    } else {
      issues.push({ path: base, message: issue.message });
    }
  }
  return issues;
}

export function validationProblem(error: z.ZodError, target = 'json'): ApiProblem {
  const errors = fieldIssues(error, target);
  const where =
    target === 'header'
      ? `header ${errors.map((e) => e.path.replace('/headers/', '')).join(', ')} is missing or invalid`
      : `${errors.length} field issue${errors.length === 1 ? '' : 's'}`;
  return new ApiProblem('validation', `The request is invalid: ${where}.`, { members: { errors } });
}
