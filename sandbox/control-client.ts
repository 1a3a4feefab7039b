/** A typed fetch client of the sandbox control API, for tests and scripts. */
import type { CarrierStatsSnapshot, Fault, FaultSpec, LabelRecord, SimAccount } from './kit/types.ts';

export interface ModeInput {
  carrier: string;
  account?: string;
  strictRotation?: boolean;
  rotateRefreshTokens?: boolean;
  tokenLifetimeSeconds?: number;
}

export interface ControlClient {
  /** Injects a fault; returns its id. */
  injectFault(spec: FaultSpec): Promise<string>;
  faults(carrier?: string): Promise<Fault[]>;
  clearFaults(carrier?: string): Promise<void>;
  stats(carrier: string): Promise<CarrierStatsSnapshot>;
  allStats(): Promise<Record<string, CarrierStatsSnapshot>>;
  reset(carrier?: string): Promise<void>;
  setMode(input: ModeInput): Promise<void>;
  revoke(input: { carrier: string; account?: string }): Promise<void>;
  addAccount(carrier: string, account: SimAccount): Promise<void>;
  labels(carrier: string): Promise<(LabelRecord & { carrier: string })[]>;
}

/** Raised on a non-2xx control answer; carries the problem document. */
export class ControlError extends Error {
  readonly status: number;
  readonly problem: unknown;
  constructor(status: number, problem: unknown) {
    const detail =
      problem && typeof problem === 'object' && 'detail' in problem
        ? String(problem.detail)
        : 'request failed';
    super(`control API ${status}: ${detail}`);
    this.name = 'ControlError';
    this.status = status;
    this.problem = problem;
  }
}

/** `controlUrl` is the sandbox URL plus `/_control`. */
export function createControlClient(controlUrl: string, fetchImpl: typeof fetch = fetch): ControlClient {
  const base = controlUrl.replace(/\/$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetchImpl(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ControlError(res.status, json);
    return json as T;
  };
  const q = (carrier?: string): string => (carrier ? `?carrier=${encodeURIComponent(carrier)}` : '');

  return {
    async injectFault(spec) {
      return (await call<{ id: string }>('POST', '/faults', spec)).id;
    },
    async faults(carrier) {
      return (await call<{ faults: Fault[] }>('GET', `/faults${q(carrier)}`)).faults;
    },
    async clearFaults(carrier) {
      await call('DELETE', `/faults${q(carrier)}`);
    },
    async stats(carrier) {
      const all = await call<Record<string, CarrierStatsSnapshot>>('GET', `/stats${q(carrier)}`);
      const mine = all[carrier];
      if (!mine) throw new ControlError(404, { detail: `no stats for ${carrier}` });
      return mine;
    },
    allStats: () => call('GET', '/stats'),
    async reset(carrier) {
      await call('POST', `/reset${q(carrier)}`);
    },
    async setMode(input) {
      await call('POST', '/modes', input);
    },
    async revoke(input) {
      await call('POST', '/revoke', input);
    },
    async addAccount(carrier, account) {
      await call('POST', '/accounts', { carrier, account });
    },
    async labels(carrier) {
      return (await call<{ labels: (LabelRecord & { carrier: string })[] }>('GET', `/labels${q(carrier)}`))
        .labels;
    },
  };
}
