/**
 * The control API (/_control): tests and operators inject faults, read stats, set token
 * modes, revoke tokens and add accounts, per carrier.
 */
import type { z } from '@hono/zod-openapi';
import { type Context, Hono } from 'hono';
import { resetSimContext } from '../kit/context.ts';
import type { SimContext } from '../kit/types.ts';
import { invalidInput, problem } from './problem.ts';
import { AddAccountSchema, FaultSpecSchema, ModeSchema, RevokeSchema } from './schemas.ts';

type Registry = ReadonlyMap<string, SimContext>;

async function parseJson<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<{ ok: true; value: z.infer<T> } | { ok: false; res: Response }> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return {
      ok: false,
      res: problem(400, 'Invalid request', 'the body is not valid JSON', [
        { field: '(body)', message: 'invalid JSON' },
      ]),
    };
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, res: invalidInput(parsed.error) };
}

const unknownCarrier = (carrier: string): Response =>
  problem(404, 'Unknown carrier', `no simulator named '${carrier}'`, [
    { field: 'carrier', message: 'unknown carrier' },
  ]);

/** The contexts a request is about: one carrier (?carrier= or body) or all of them. */
function select(registry: Registry, carrier: string | undefined): SimContext[] | Response {
  if (carrier === undefined || carrier === '') return [...registry.values()];
  const sim = registry.get(carrier);
  return sim ? [sim] : unknownCarrier(carrier);
}

export function createControlApp(registry: Registry): Hono {
  const app = new Hono();

  app.post('/faults', async (c) => {
    const input = await parseJson(c, FaultSpecSchema);
    if (!input.ok) return input.res;
    const { carrier, ...spec } = input.value;
    const sim = registry.get(carrier);
    if (!sim) return unknownCarrier(carrier);
    const fault = sim.faults.add(spec as Parameters<SimContext['faults']['add']>[0]);
    return c.json({ id: fault.id, fault }, 201);
  });

  app.get('/faults', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    return c.json({ faults: sims.flatMap((s) => s.faults.list()) });
  });

  app.delete('/faults', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    for (const sim of sims) sim.faults.clear();
    return c.json({ cleared: sims.map((s) => s.carrier) });
  });

  app.get('/stats', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    return c.json(Object.fromEntries(sims.map((s) => [s.carrier, s.stats.snapshot()])));
  });

  app.post('/reset', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    for (const sim of sims) resetSimContext(sim);
    return c.json({ reset: sims.map((s) => s.carrier) });
  });

  app.post('/modes', async (c) => {
    const input = await parseJson(c, ModeSchema);
    if (!input.ok) return input.res;
    const { carrier, account, ...patch } = input.value;
    const sim = registry.get(carrier);
    if (!sim) return unknownCarrier(carrier);
    if (account !== undefined && !sim.accounts.get(account)) {
      return problem(404, 'Unknown account', `no account '${account}'`, [
        { field: 'account', message: 'unknown account' },
      ]);
    }
    sim.modes.set(account, patch);
    return c.json({ carrier, account: account ?? null, mode: account ? sim.modes.get(account) : patch });
  });

  app.post('/revoke', async (c) => {
    const input = await parseJson(c, RevokeSchema);
    if (!input.ok) return input.res;
    const sim = registry.get(input.value.carrier);
    if (!sim) return unknownCarrier(input.value.carrier);
    sim.tokens.revokeAll(input.value.account);
    return c.json({ revoked: true });
  });

  app.post('/accounts', async (c) => {
    const input = await parseJson(c, AddAccountSchema);
    if (!input.ok) return input.res;
    const sim = registry.get(input.value.carrier);
    if (!sim) return unknownCarrier(input.value.carrier);
    sim.accounts.register(input.value.account);
    // Echo the id only: secrets never travel back.
    return c.json({ id: input.value.account.id }, 201);
  });

  app.get('/accounts', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    const ids = (s: SimContext) => s.accounts.all().map((a) => ({ id: a.id, settings: a.settings ?? {} }));
    return c.json(Object.fromEntries(sims.map((s) => [s.carrier, ids(s)])));
  });

  app.get('/labels', (c) => {
    const sims = select(registry, c.req.query('carrier'));
    if (sims instanceof Response) return sims;
    return c.json({ labels: sims.flatMap((s) => s.labels.all().map((l) => ({ carrier: s.carrier, ...l }))) });
  });

  app.notFound(() => problem(404, 'Not found', 'no such control endpoint'));
  return app;
}
