/** Token-endpoint faults: error answers, and payload faults that bend a successful answer. */
import {
  type AuthErrorRenderer,
  type Fault,
  type IssueOptions,
  type SimContext,
  TOKEN_PAYLOAD_FAULT_KINDS,
  type TokenFaultResult,
} from '../types.ts';
import type { AnyContext } from './any-context.ts';
import { applyFault } from './fault-response.ts';

const PAYLOAD: ReadonlySet<string> = new Set(TOKEN_PAYLOAD_FAULT_KINDS);

/**
 * Takes a token-target fault for (account, endpoint) and applies it. Count the token call
 * (sim.stats.tokenCall) before calling this, so slow and hanging calls show as concurrent.
 */
export async function tokenFaults(
  c: AnyContext,
  sim: SimContext,
  renderer: AuthErrorRenderer,
  query: { account?: string | undefined; endpoint?: string | undefined } = {},
): Promise<TokenFaultResult> {
  const fault = sim.faults.take({
    account: query.account,
    target: 'token',
    endpoint: query.endpoint ?? 'token',
  });
  if (!fault) return {};
  if (PAYLOAD.has(fault.kind)) return { payload: fault };
  const response = await applyFault(c, fault, renderer);
  return response ? { response } : {};
}

/** Issue options a payload fault implies (short_lifetime: the token dies early). */
export function issueOptionsFor(fault: Fault | undefined): Pick<IssueOptions, 'actualLifetimeSeconds'> {
  if (fault?.kind !== 'short_lifetime') return {};
  return { actualLifetimeSeconds: fault.params?.lifetimeSeconds ?? 1 };
}

/** A copy of the success body bent by a payload fault (field names per carrier). */
export function shapeTokenBody<T extends Record<string, unknown>>(
  body: T,
  fault: Fault | undefined,
  fields: { accessToken?: string; expiresIn?: string } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  const accessField = fields.accessToken ?? 'access_token';
  const expiresField = fields.expiresIn ?? 'expires_in';
  switch (fault?.kind) {
    case 'no_access_token':
      delete out[accessField];
      break;
    case 'missing_expires_in':
      delete out[expiresField];
      break;
    case 'expires_in_string':
      out[expiresField] = String(out[expiresField] ?? '');
      break;
    case 'expires_in_zero':
      out[expiresField] = typeof out[expiresField] === 'string' ? '0' : 0;
      break;
    default:
      break;
  }
  return out;
}
