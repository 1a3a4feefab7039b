/**
 * What a Worker receives as `env`: Durable Object bindings, plain-text vars and secrets.
 * Checked once with zod (a missing binding is a deployment mistake worth a clear message).
 */
import { z } from '@hono/zod-openapi';
import { ConfigError } from '../../config/config-error.ts';
import type { DurableObjectNamespace } from './durable-object.ts';

export interface WorkerEnv {
  /** One Durable Object per carrier account: token single-flight, rotation, persistence. */
  CREDENTIAL_AUTHORITY: DurableObjectNamespace;
  /** One Durable Object per Idempotency-Key: a label is bought once across every isolate. */
  IDEMPOTENCY_LEDGER: DurableObjectNamespace;
  /** One Durable Object per control key group: revocations, connect states, quotas, accounts, broadcast. */
  CONTROL_PLANE: DurableObjectNamespace;
  /** The configuration file's JSON, as a var (text) or a TOML table (object). */
  GATEWAY_CONFIG?: unknown;
  /** Everything else: secrets and vars named by the configuration's `{ "env": "NAME" }`. */
  [name: string]: unknown;
}

const Namespace = z.custom<DurableObjectNamespace>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { idFromName?: unknown }).idFromName === 'function' &&
    typeof (value as { get?: unknown }).get === 'function',
  { message: 'must be a Durable Object namespace binding (see wrangler.toml)' },
);

const Bindings = z.object({
  CREDENTIAL_AUTHORITY: Namespace,
  IDEMPOTENCY_LEDGER: Namespace,
  CONTROL_PLANE: Namespace,
});

/** The env, its bindings checked; a ConfigError names each missing one. */
export function checkBindings(env: Record<string, unknown>): WorkerEnv {
  const parsed = Bindings.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ key: String(issue.path[0] ?? 'env'), message: issue.message })),
      'Worker bindings',
    );
  }
  return env as WorkerEnv;
}

/** The string-valued bindings (vars and secrets): what configuration references resolve against. */
export function stringBindings(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') out[name] = value;
  return out;
}
