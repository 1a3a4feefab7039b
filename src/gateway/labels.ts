/**
 * POST /v1/labels: buy one label, failing over only when the carrier certainly created
 * nothing. An ambiguous outcome (timeout or 5xx after the request was sent) stops the
 * chain and is reported as label-outcome-unknown: a label is never silently bought twice.
 */
import type { CarrierDefinition, CarrierLabel, Route, ServiceDefinition } from '../carrier/definition.ts';
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
import { type GatewayCore, soonestRetryMs } from './core.ts';
import { runFailover } from './failover.ts';
import { DEFAULT_LABEL_SIZE_IN, type LabelPlan, planLabel, pngToPdf } from './label-conversion.ts';
import { serviceByCode, serviceByLevel, servicesOn } from './services.ts';

interface Candidate {
  carrier: CarrierDefinition;
  account: ResolvedAccount;
  service: ServiceDefinition;
  /** The format asked of this carrier, and whether its document is converted to PDF. */
  plan: LabelPlan;
}

/**
 * Throws the caller's error (unknown carrier or account, no such service, a format nobody
 * prints) before anything else: such a request is answered the same whatever the shared
 * idempotency store is doing.
 */
export function checkLabelRequest(core: GatewayCore, request: LabelRequest): void {
  primaryCandidate(core, request, { from: request.shipper.countryCode, to: request.recipient.countryCode });
}

export async function buyLabel(core: GatewayCore, request: LabelRequest): Promise<Label> {
  core.budget.request();
  const route: Route = { from: request.shipper.countryCode, to: request.recipient.countryCode };
  const primary = primaryCandidate(core, request, route);
  const routing = new RoutingLog(primary.carrier.id, core.now);
  const { served, failures, budgetSpent } = await runFailover({
    core,
    routing,
    candidates: candidatesOf(core, request, route, primary, routing),
    // No caller signal: once a purchase starts, a disconnecting caller must not make its outcome unknown.
    attempt: ({ carrier, account, service, plan }) =>
      carrier.createLabel(core.upstream.context(carrier, account), {
        service,
        shipper: request.shipper,
        recipient: request.recipient,
        parcels: request.parcels,
        format: plan.ask,
        ...(request.reference !== undefined ? { reference: request.reference } : {}),
        ...(request.shipDate !== undefined ? { shipDate: request.shipDate } : {}),
        ...(request.options !== undefined ? { options: request.options } : {}),
      }),
    afterFailure: (error, { carrier, account }) => {
      if (!isCarrierError(error)) throw error;
      // The label rule: once the carrier may have created a label, nobody else is asked.
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
    },
  });
  if (!served) throw finalFailure(core, primary, failures, routing, budgetSpent);
  const { candidate, result } = served;
  const { carrier, account, service } = candidate;
  const bought = await converted(candidate.plan, result);
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
    ...(bought.conversion ? { conversion: bought.conversion } : {}),
    ...(bought.price ? { price: bought.price } : {}),
    ...(request.reference !== undefined ? { reference: request.reference } : {}),
    ...(bought.warnings?.length ? { warnings: bought.warnings } : {}),
    routing: routing.record(),
  };
}

/**
 * The carrier's document as the caller asked for it: converted to PDF when the plan says so.
 * The label is bought by now, so a conversion that fails answers the carrier's own image,
 * marked `converted: false`, rather than lose it.
 */
async function converted(
  plan: LabelPlan,
  label: CarrierLabel,
): Promise<CarrierLabel & { conversion?: Label['conversion'] }> {
  // Nothing to convert when the carrier's document is missing (the label is still bought).
  if (plan.convertTo !== 'PDF' || label.document === undefined || label.document.length === 0) return label;
  const note = { from: label.format, to: 'PDF' as const };
  try {
    const document = await pngToPdf(label.document, DEFAULT_LABEL_SIZE_IN);
    return {
      ...label,
      format: 'PDF',
      mediaType: 'application/pdf',
      document,
      conversion: { ...note, converted: true, pageSizeInches: { ...DEFAULT_LABEL_SIZE_IN } },
    };
  } catch {
    return { ...label, conversion: { ...note, converted: false } };
  }
}

function finalFailure(
  core: GatewayCore,
  primary: Candidate,
  failures: { carrier: string; error: unknown }[],
  routing: RoutingLog,
  budgetSpent: boolean,
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
  const plan = planLabel(carrier, request.format);
  if (!plan) {
    throw new UnprocessableError(
      `${carrier.displayName} does not print ${request.format} labels; it offers ${carrier.labelFormats.join(', ')}`,
      '/format',
    );
  }
  return { carrier, account, service, plan };
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
    // An image-only carrier serves a PDF request too: its image is converted.
    const plan = planLabel(carrier, request.format);
    if (!plan) {
      routing.skip(id, account.id, `does not print ${request.format} labels`);
      continue;
    }
    yield { carrier, account, service, plan };
  }
}
