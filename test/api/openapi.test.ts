/**
 * The published contract: /openapi.json is valid OpenAPI 3.1 and documents every route,
 * every problem type, the bearer scheme and the Idempotency-Key header; /docs and the
 * /problems/<name> pages are self-contained HTML.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_TABLE } from '../../src/api/problems.ts';
import { mountConnect } from '../../src/api/routes/connect.ts';
import { connectRoutes } from '../../src/auth/connect.ts';
import { createMemoryControlStore } from '../../src/control/memory.ts';
import { type Harness, problemOf, startHarness } from './harness.ts';

interface Media {
  schema: { $ref?: string };
}
interface Operation {
  security?: unknown;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, { properties: Record<string, { type?: string; enum?: string[] }> }>;
  };
}

let h: Harness;
let doc: Document;
beforeAll(async () => {
  // Mounted as the composition root mounts it: the connect routes and their documentation.
  h = await startHarness({
    extraRoutes: (app) =>
      mountConnect(
        app,
        connectRoutes({
          control: createMemoryControlStore(),
          broker: { storeAuthorization: async () => undefined },
          findAccount: () => undefined,
          profileOf: () => {
            throw new Error('no carriers here');
          },
          publicBaseUrl: 'http://127.0.0.1',
        }),
      ),
  });
  const res = await h.fetch('/openapi.json', { key: null });
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(() => h.close());

const V1_OPERATIONS = [
  ['post', '/v1/rates', '200'],
  ['post', '/v1/labels', '201'],
  ['get', '/v1/carriers', '200'],
  ['get', '/v1/tracking/{carrier}/{trackingNumber}', '200'],
] as const;

describe('GET /openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every v1 route with its success answer, bearer security and problem answers', () => {
    for (const [method, path, success] of V1_OPERATIONS) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op?.responses[success]?.content?.['application/json']?.schema).toBeDefined();
      expect(op?.security).toEqual([{ bearerAuth: [] }]);
      for (const status of ['401', '500']) {
        expect(op?.responses[status]?.content?.['application/problem+json']?.schema.$ref).toBe(
          '#/components/schemas/Problem',
        );
      }
    }
    expect(doc.paths['/healthz']?.get).toBeDefined();
    expect(doc.paths['/readyz']?.get?.responses['503']).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents the required Idempotency-Key header on labels', () => {
    const params = doc.paths['/v1/labels']?.post?.parameters ?? [];
    expect(params).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
  });

  it('documents every problem type: in the Problem schema and in the error responses', () => {
    const types = PROBLEM_TABLE.map((p) => `/problems/${p.name}`);
    expect(doc.components.schemas.Problem?.properties.type?.enum).toEqual(types);
    const descriptions = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .flatMap((op) => Object.values(op.responses))
      .map((r) => r.description)
      .join('\n');
    const documented = types.filter((t) => descriptions.includes(t) || doc.info.description.includes(t));
    expect(documented).toEqual(types);
    // Route-level responses cover every type except the route-independent ones.
    const routeIndependent = ['/problems/not-found', '/problems/method-not-allowed', '/problems/forbidden'];
    expect(types.filter((t) => !descriptions.includes(t) && !routeIndependent.includes(t))).toEqual([]);
  });

  it('uses the domain schemas for request bodies', () => {
    expect(doc.paths['/v1/rates']?.post?.requestBody?.content['application/json']?.schema.$ref).toBe(
      '#/components/schemas/RateRequest',
    );
    expect(doc.components.schemas.Money?.properties.amount?.type).toBe('string');
  });
});

describe('GET /docs', () => {
  it('is self-contained HTML listing routes, parameters, schemas and the error catalog', async () => {
    const res = await h.fetch('/docs', { key: null });
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|<link[^>]+stylesheet|https?:\/\/cdn/i);
    for (const [, path] of V1_OPERATIONS) expect(html).toContain(path);
    expect(html).toContain('Idempotency-Key');
    expect(html).toContain('id="schema-RateRequest"');
    expect(html).toContain('<code>parcels</code>'); // request schema fields are listed
    for (const p of PROBLEM_TABLE) expect(html).toContain(`href="/problems/${p.name}"`);
  });
});

describe('GET /problems/<name>', () => {
  it('explains every problem type', async () => {
    for (const p of PROBLEM_TABLE) {
      const res = await h.fetch(`/problems/${p.name}`, { key: null });
      expect(res.status, p.name).toBe(200);
      const html = await res.text();
      expect(html).toContain(p.title);
      expect(html).toContain(String(p.status));
    }
  });

  it('answers 404 problem+json for an unknown type', async () => {
    const res = await h.fetch('/problems/nope', { key: null });
    expect(res.status).toBe(404);
    expect((await problemOf(res)).type).toBe('/problems/not-found');
  });
});
