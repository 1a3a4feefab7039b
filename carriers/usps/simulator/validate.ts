/**
 * Request validation the way the USPS API gateway does it: a body that fails the OpenAPI
 * schema is refused 400 before the service sees it ("OASValidation"), one error per field.
 */
import type { z } from '@hono/zod-openapi';
import { type ErrorItem, errorResponse } from './errors.ts';

export function oasErrors(error: z.ZodError): ErrorItem[] {
  return error.issues.map((issue) => {
    const parameter = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return {
      code: 'OASValidation',
      parameter,
      detail: missing ? `'${parameter}' is a required property` : `'${parameter}': ${issue.message}`,
    };
  });
}

/** Parses JSON against the schema; a 400 in the USPS shape when it does not fit. */
export async function validateBody<T>(
  text: string,
  schema: z.ZodType<T>,
  apiVersion: string,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      response: errorResponse(apiVersion, 400, [
        { code: 'OASValidation', detail: 'The request body is not valid JSON' },
      ]),
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, response: errorResponse(apiVersion, 400, oasErrors(parsed.error)) };
}
