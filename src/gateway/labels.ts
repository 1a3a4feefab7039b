/**
 * POST /v1/labels: buy one label, failing over only when the carrier certainly created
 * nothing. An ambiguous outcome (timeout or 5xx after the request was sent) stops the
 * chain and is reported as label-outcome-unknown: a label is never silently bought twice.
 */
import type { CarrierDefinition, Route, ServiceDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { toBase64 } from '../domain/base64.ts';
import {
  AllCarriersUnavailableError,
  LabelOutcomeUnknownError,
  NotFoundError,
  UnprocessableError,
} from '../domain/errors.ts';
import { type CarrierError, isCarrierError } from '../domain/failure.ts';
import type { CarrierMessage, Label, LabelRequest } from '../domain/shipment.ts';
import { messageFrom, RoutingLog } from './attempts.ts';
import { blockedByBreaker, type GatewayCore, soonestRetryMs } from './core.ts';
import { serviceByCode, serviceByLevel, servicesOn } from './services.ts';

interface Candidate {
  carrier: CarrierDefinition;
  account: ResolvedAccount;
  service: ServiceDefinition;
}

export async function buyLabel(core: GatewayCore, request: LabelRequest): Promise<Label> {
  core.budget.request();
  const route: Route = { from: request.shipper.countryCode, to: request.recipient.countryCode };
  const primary = primaryCandidate(core, request, route);
  const routing = new RoutingLog(primary.carrier.id, core.now);
  const failures: { carrier: string; error: unknown }[] = [];

  for (const candidate of candidatesOf(core, request, route, primary, routing)) {
    const { carrier, account, service } = candidate;
    const blocked = blockedByBreaker(core, carrier.id, account.id);
    if (blocked) {
      routing.skip(carrier.id, account.id, blocked.message, blocked.failureClass);
      failures.push({ carrier: carrier.id, error: blocked });
      continue;
    }
    if (routing.retrying() && !core.budget.trySpend()) {
      routing.skip(carrier.id, account.id, 'failover budget spent');
      break;
    }
    try {
      // No caller signal: once a purchase starts, a disconnecting caller must not make its outcome unknown.
      const bought = await routing.attempt(carrier.id, account.id, () =>
        carrier.createLabel(core.upstream.context(carrier, account), {
          service,
          shipper: request.shipper,
          recipient: request.recipient,
          parcels: request.parcels,
          format: request.format,
          ...(request.reference !== undefined ? { reference: request.reference } : {}),
          ...(request.shipDate !== undefined ? { shipDate: request.shipDate } : {}),
          ...(request.options !== undefined ? { options: request.options } : {}),
        }),
      );
      return {
        carrier: carrier.id,
        account: account.id,
        service: { code: service.code, name: service.name, level: service.level },
        trackingNumber: bought.trackingNumber,
        format: bought.format,
        // A bought label is answered with what is known: the document, or why it is missing.
        ...(bought.document && bought.document.length > 0
          ? { mediaType: bought.mediaType ?? 'application/octet-stream', data: toBase64(bought.document) }
          : {
              missingDocument: bought.missingDocument ?? {
                reason: 'missing' as const,
                detail: 'the carrier answered without a label document',
              },
            }),
        ...(bought.price ? { price: bought.price } : {}),
        ...(request.reference !== undefined ? { reference: request.reference } : {}),
        ...(bought.warnings?.length ? { warnings: bought.warnings } : {}),
        routing: routing.record(),
      };
    } catch (error) {
      if (!isCarrierError(error)) throw error;
      if (error.outcome === 'ambiguous') {
        throw new LabelOutcomeUnknownError(
          `${carrier.displayName} may have created a label (${error.message}); it was not bought elsewhere. Check with the carrier before retrying.`,
          {
            carrier: carrier.id,
            account: account.id,
            reference: request.reference,
            routing: routing.record(),
          },
        );
      }
      failures.push({ carrier: carrier.id, error });
    }
  }
  throw finalFailure(core, primary, failures, routing);
}

function finalFailure(
  core: GatewayCore,
  primary: Candidate,
  failures: { carrier: string; error: unknown }[],
  routing: RoutingLog,
): Error {
  const errors = failures.map((f) => f.error).filter(isCarrierError);
  const primaryError = failures.find((f) => f.carrier === primary.carrier.id)?.error;
  // A lone carrier refusing the content is the caller's answer, not an outage.
  if (
    isCarrierError(primaryError) &&
    (routing.attempts.length === 1 || errors.every((e) => e.failureClass === 'rejected'))
  ) {
    return primaryError;
  }
  const messages: CarrierMessage[] = routing.attempts
    .filter((a) => a.outcome !== 'success')
    .map((a) => {
      const error = errors.find((e) => e.carrier === a.carrier);
      return error
        ? messageFrom(a.carrier, error)
        : {
            carrier: a.carrier,
            account: a.account,
            code: 'not_attempted',
            class: a.class ?? 'unavailable',
            text: a.reason ?? 'not attempted',
          };
    });
  const retryAfters = errors.flatMap((e: CarrierError) =>
    e.retryAfterMs !== undefined ? [e.retryAfterMs] : [],
  );
  const budgetSpent = routing.attempts.some((a) => a.reason === 'failover budget spent');
  return new AllCarriersUnavailableError(
    budgetSpent ? 'the failover budget is spent; try again shortly' : 'no carrier could create this label',
    {
      messages,
      routing: routing.record(),
      retryAfterMs: budgetSpent ? core.budget.retryAfterMs : soonestRetryMs(core, retryAfters),
    },
  );
}

function primaryCandidate(core: GatewayCore, request: LabelRequest, route: Route): Candidate {
  const carrier = core.directory.carrier(request.carrier);
  if (!carrier) throw new NotFoundError(`carrier '${request.carrier}' is not configured`, '/carrier');
  const account = core.directory.account(carrier.id, request.account);
  if (!account)
    throw new NotFoundError(`account '${request.account}' of ${carrier.id} is not configured`, '/account');
  if (!carrier.servesRoute(route)) {
    throw new UnprocessableError(
      `${carrier.displayName} does not ship from ${route.from} to ${route.to}`,
      '/recipient/countryCode',
    );
  }
  const service = request.service
    ? serviceByCode(carrier, request.service, route)
    : request.serviceLevel
      ? serviceByLevel(carrier, request.serviceLevel, route)
      : undefined;
  if (!service) {
    const field = request.service ? '/service' : '/serviceLevel';
    const offered = servicesOn(carrier, route)
      .map((s) => `${s.code} (${s.level})`)
      .join(', ');
    throw new UnprocessableError(
      `${carrier.displayName} has no such service for this route; it offers ${offered}`,
      field,
    );
  }
  if (!carrier.labelFormats.includes(request.format)) {
    throw new UnprocessableError(
      `${carrier.displayName} does not print ${request.format} labels; it offers ${carrier.labelFormats.join(', ')}`,
      '/format',
    );
  }
  return { carrier, account, service };
}

/**
 * The primary, then the failover chain mapped to equivalent services. Lazy: a fallback is
 * looked at (and recorded as skipped when unusable) only once the ones before it failed.
 */
function* candidatesOf(
  core: GatewayCore,
  request: LabelRequest,
  route: Route,
  primary: Candidate,
  routing: RoutingLog,
): Generator<Candidate> {
  yield primary;
  const policy = request.failover;
  const chain =
    policy === 'never'
      ? []
      : policy === 'auto'
        ? core.directory.policy(primary.carrier.id).fallbacks
        : policy;
  const seen = new Set([primary.carrier.id]);
  for (const id of chain) {
    if (seen.has(id)) continue;
    seen.add(id);
    const carrier = core.directory.carrier(id);
    const account = carrier && core.directory.account(id);
    if (!carrier || !account) {
      routing.skip(id, '', 'not configured');
      continue;
    }
    const service = serviceByLevel(carrier, primary.service.level, route);
    if (!carrier.servesRoute(route) || !service) {
      routing.skip(id, account.id, `no ${primary.service.level} service for this route`);
      continue;
    }
    if (!carrier.labelFormats.includes(request.format)) {
      routing.skip(id, account.id, `does not print ${request.format} labels`);
      continue;
    }
    yield { carrier, account, service };
  }
}
