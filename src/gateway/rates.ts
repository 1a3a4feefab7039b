/**
 * POST /v1/rates: ask every carrier that serves the route (or the ones named) at once and
 * answer with every rate obtained, sorted by price, plus one message per carrier that
 * failed. When carriers are named, one whose breaker is open or which fails is replaced by
 * its first healthy fallback, within the failover budget.
 */
import type { CarrierDefinition, Route } from '../carrier/definition.ts';
import { AllCarriersUnavailableError, UnprocessableError } from '../domain/errors.ts';
import { CarrierError } from '../domain/failure.ts';
import { compareMoney } from '../domain/money.ts';
import type { CarrierMessage, Rate, RateRequest, RateResponse } from '../domain/shipment.ts';
import { messageFrom, RoutingLog } from './attempts.ts';
import { type GatewayCore, soonestRetryMs } from './core.ts';
import { type FailoverCandidate, runFailover } from './failover.ts';

interface CarrierOutcome {
  rates: Rate[];
  message?: CarrierMessage;
  routing: RoutingLog;
  answered: boolean;
  retryAfterMs?: number | undefined;
}

export async function quoteRates(
  core: GatewayCore,
  request: RateRequest,
  signal?: AbortSignal,
): Promise<RateResponse> {
  core.budget.request();
  const route: Route = { from: request.shipper.countryCode, to: request.recipient.countryCode };
  const explicit = request.carriers !== undefined;
  const requested = explicit
    ? namedCarriers(core, request.carriers ?? [])
    : core.directory.enabled().filter((c) => c.servesRoute(route));
  const asked = new Set(requested.map((c) => c.id));

  const outcomes = await Promise.all(
    requested.map((carrier) => quoteWithFailover(core, carrier, request, route, explicit, asked, signal)),
  );

  const rates = outcomes.flatMap((o) => o.rates).sort((a, b) => compareMoney(a.total, b.total));
  const messages = outcomes.flatMap((o) => (o.message ? [o.message] : []));
  const routing = outcomes.map((o) => o.routing.record());
  if (rates.length === 0 && requested.length > 0 && !outcomes.some((o) => o.answered)) {
    throw new AllCarriersUnavailableError('no carrier could quote this shipment', {
      messages,
      retryAfterMs: soonestRetryMs(
        core,
        outcomes.map((o) => o.retryAfterMs),
      ),
    });
  }
  return { rates, messages, routing };
}

function namedCarriers(core: GatewayCore, ids: readonly string[]): CarrierDefinition[] {
  const unique = [...new Set(ids)];
  return unique.map((id) => {
    const carrier = core.directory.carrier(id);
    if (!carrier)
      throw new UnprocessableError(`carrier '${id}' is not configured`, `/carriers/${ids.indexOf(id)}`);
    return carrier;
  });
}

async function quoteWithFailover(
  core: GatewayCore,
  first: CarrierDefinition,
  request: RateRequest,
  route: Route,
  explicit: boolean,
  asked: Set<string>,
  signal: AbortSignal | undefined,
): Promise<CarrierOutcome> {
  const routing = new RoutingLog(first.id, core.now);
  const account = core.directory.account(first.id);
  if (!account) return { rates: [], routing, answered: false };
  if (!first.servesRoute(route)) {
    const error = new CarrierError({
      carrier: first.id,
      account: account.id,
      failureClass: 'rejected',
      outcome: 'not_sent',
      message: `${first.displayName} does not ship from ${route.from} to ${route.to}`,
      code: 'route_not_served',
    });
    routing.skip(first.id, account.id, error.message);
    return { rates: [], message: messageFrom(first.id, error), routing, answered: true };
  }
  const { served, failures } = await runFailover({
    core,
    routing,
    candidates: rateCandidates(core, { carrier: first, account }, route, explicit, asked, routing),
    attempt: ({ carrier, account: a }) => carrier.rate(core.upstream.context(carrier, a, signal), request),
    afterFailure: (error) => {
      // The caller went away: nothing more to ask anyone.
      if (signal?.aborted) throw error;
    },
  });
  // The requested carrier's failure is the one its message reports; every failure may set Retry-After.
  const primaryError = failures[0]?.error;
  if (served) {
    const { carrier, account: a } = served.candidate;
    const rates: Rate[] = served.result
      .filter((r) => !request.services || request.services.includes(r.service.level))
      .map((r) => ({
        carrier: carrier.id,
        account: a.id,
        service: r.service,
        total: r.total,
        ...(r.breakdown ? { breakdown: r.breakdown } : {}),
        ...(r.estimatedDays !== undefined ? { estimatedDays: r.estimatedDays } : {}),
        source: carrier.rateSource,
        ...(r.warnings?.length ? { warnings: r.warnings } : {}),
      }));
    // A replaced carrier's message says who quoted instead (the routing record has the details).
    const message =
      primaryError === undefined
        ? undefined
        : replacedBy(messageFrom(first.id, primaryError), carrier.id === first.id ? undefined : carrier);
    return { rates, routing, answered: true, ...(message ? { message } : {}) };
  }
  const retryAfters = failures.flatMap(({ error }) =>
    error instanceof CarrierError && error.retryAfterMs !== undefined ? [error.retryAfterMs] : [],
  );
  return {
    rates: [],
    message: messageFrom(first.id, primaryError),
    routing,
    answered: false,
    retryAfterMs: retryAfters.length ? Math.min(...retryAfters) : undefined,
  };
}

/** The requested carrier, then (when carriers were named) its fallbacks not asked already. */
function* rateCandidates(
  core: GatewayCore,
  first: FailoverCandidate,
  route: Route,
  explicit: boolean,
  asked: Set<string>,
  routing: RoutingLog,
): Generator<FailoverCandidate> {
  yield first;
  if (!explicit) return;
  for (const id of core.directory.policy(first.carrier.id).fallbacks) {
    const carrier = core.directory.carrier(id);
    const account = core.directory.account(id);
    if (!carrier || !account || asked.has(id)) continue;
    if (!carrier.servesRoute(route)) {
      routing.skip(id, account.id, 'does not serve this route');
      continue;
    }
    asked.add(id);
    yield { carrier, account };
  }
}

function replacedBy(message: CarrierMessage, fallback: CarrierDefinition | undefined): CarrierMessage {
  return fallback ? { ...message, text: `${message.text}; ${fallback.displayName} quoted instead` } : message;
}
