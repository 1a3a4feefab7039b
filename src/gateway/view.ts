/** GET /v1/carriers: each carrier and account with its auth health and breaker states. */
import type {
  AuthHealthView,
  CarrierAccountView,
  CarriersResponse,
  CarrierView,
} from '../domain/carriers-view.ts';
import type { GatewayCore } from './core.ts';

/** Until probes and scores exist for an account, its health is read off its breakers. */
function healthFromBreakers(core: GatewayCore, carrier: string, account: string): AuthHealthView {
  const { auth, api } = core.board.for(carrier, account);
  const worst = auth.state !== 'closed' ? auth : api.state !== 'closed' ? api : undefined;
  if (!worst) return { state: 'healthy', classification: 'healthy' };
  const failureClass = worst.lastFailure?.failureClass ?? 'unavailable';
  return {
    state: worst.state === 'open' ? 'failing' : 'degraded',
    classification: failureClass,
    action:
      worst === auth
        ? 'fail over; see the auth failure class for the runbook'
        : 'fail over until the carrier recovers',
  };
}

/**
 * Where health comes from when monitoring runs (src/health): scores and triage per account,
 * the carrier's aggregate, and the cached token's expiry.
 */
export interface HealthProvider {
  account(carrier: string, account: string): AuthHealthView;
  carrier?(carrier: string): CarrierView['health'];
  token?(carrier: string, account: string): CarrierAccountView['token'];
}

export function describeCarriers(
  core: GatewayCore,
  source: HealthProvider | ((carrier: string, account: string) => AuthHealthView) = (c, a) =>
    healthFromBreakers(core, c, a),
): CarriersResponse {
  const provider: HealthProvider = typeof source === 'function' ? { account: source } : source;
  const health = (c: string, a: string) => provider.account(c, a);
  return {
    carriers: core.directory.enabled().map((carrier) => ({
      id: carrier.id,
      name: carrier.displayName,
      rateSource: carrier.rateSource,
      labelFormats: [...carrier.labelFormats],
      services: carrier.services.map((s) => ({ code: s.code, name: s.name, level: s.level })),
      fallbacks: [...core.directory.policy(carrier.id).fallbacks],
      accounts: core.directory.accounts(carrier.id).map(
        (account): CarrierAccountView => ({
          id: account.id,
          environment: account.environment,
          authMethod: account.authMethod,
          labels: { ...account.labels },
          health: health(carrier.id, account.id),
          breakers: core.board.view(carrier.id, account.id),
          ...tokenOf(provider, carrier.id, account.id),
        }),
      ),
      ...carrierHealthOf(provider, carrier.id),
    })),
  };
}

function tokenOf(provider: HealthProvider, carrier: string, account: string) {
  const token = provider.token?.(carrier, account);
  return token === undefined ? {} : { token };
}

function carrierHealthOf(provider: HealthProvider, carrier: string) {
  const health = provider.carrier?.(carrier);
  return health === undefined ? {} : { health };
}
