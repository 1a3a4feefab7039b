/** problem+json (RFC 9457) answers of the control API. */
import type { z } from '@hono/zod-openapi';

export interface FieldError {
  field: string;
  message: string;
}

export function problem(status: number, title: string, detail: string, errors?: FieldError[]): Response {
  const body = {
    type: `/problems/sandbox-${status === 404 ? 'not-found' : 'invalid-request'}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/** 400 naming each invalid field by its dotted path. */
export function invalidInput(error: z.ZodError): Response {
  const errors = error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
  const detail = `invalid ${errors.map((e) => e.field).join(', ')}`;
  return problem(400, 'Invalid request', detail, errors);
}
