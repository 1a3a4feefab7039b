/**
 * The upstream client: the CarrierContext every mapping talks through. It attaches the
 * broker's credential, enforces the total timeout with a real abort, shares one forced
 * refresh on a use-time 401 and retries once, and turns every failure into a classified
 * CarrierError whose `outcome` says whether the carrier can have acted on the request.
 */

import { type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Credential, CredentialBroker } from '../auth/types.ts';
import type {
  CarrierContext,
  CarrierDefinition,
  UpstreamRequest,
  UpstreamResponse,
} from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { callerAbortError } from '../domain/caller-abort.ts';
import { CarrierError } from '../domain/failure.ts';
import { type EventSink, silentEvents } from '../events/bus.ts';
import { attributeCache } from '../telemetry/attribute-cache.ts';
import { activeSpan, instruments } from '../telemetry/instruments.ts';
import { ATTR, EVENT } from '../telemetry/names.ts';
import { startDeadline } from './deadline.ts';
import { describeNetworkFailure } from './network-error.ts';
import { outboundHeaders } from './outbound-headers.ts';
import { followRedirects } from './redirects.ts';
import { upstreamResponse } from './response.ts';
import { parseRetryAfter } from './retry-after.ts';
import { joinTarget, type Target, targetOf } from './target.ts';
import { headerLookup, transportFromFetch, type UpstreamTransport } from './transport.ts';

export interface UpstreamTimeouts {
  /** Whole call, from sending to the last body byte. */
  totalMs: number;
}

/**
 * Where the circuit breakers plug in: `auth` wraps every credential acquisition and hears
 * of refusals that survived the forced refresh; `api` wraps every HTTP exchange. `auth` tells
 * `acquire` whether this acquisition is the breaker's half-open probe.
 */
export interface UpstreamGates {
  auth<T>(carrier: string, account: string, acquire: (probe: boolean) => Promise<T>): Promise<T>;
  authFailure(carrier: string, account: string, error: unknown): void;
  api<T>(carrier: string, account: string, exchange: () => Promise<T>): Promise<T>;
}

const openGates: UpstreamGates = {
  auth: (_c, _a, acquire) => acquire(false),
  authFailure: () => undefined,
  api: (_c, _a, exchange) => exchange(),
};

export interface UpstreamClientOptions {
  broker: CredentialBroker;
  /** Node injects its undici pools with connect timeouts; without one, the global fetch is adapted. */
  transport?: UpstreamTransport;
  /** A transport per carrier (its connect timeout); takes precedence over `transport`. */
  transportFor?: (carrier: string) => UpstreamTransport;
  timeoutsFor?: (carrier: string) => UpstreamTimeouts;
  gates?: UpstreamGates;
  /** Every finished exchange is reported here (ids, status and class only). */
  events?: EventSink;
  now?: () => number;
}

const DEFAULT_TIMEOUTS: UpstreamTimeouts = { totalMs: 15_000 };

/** The client duration histogram's attributes, built once per method, host, carrier, status and error. */
const clientAttributes = attributeCache((method, host, carrier, status, errorType) => ({
  [ATTR.httpMethod]: method as string,
  [ATTR.serverAddress]: host as string,
  [ATTR.carrier]: carrier as string,
  ...(status !== undefined ? { [ATTR.httpStatus]: status } : {}),
  ...(errorType ? { [ATTR.errorType]: errorType } : {}),
}));

export interface UpstreamClient {
  context(carrier: CarrierDefinition, account: ResolvedAccount, signal?: AbortSignal): CarrierContext;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const defaultTransport =
    options.transport ?? transportFromFetch((input, init) => globalThis.fetch(input, init));
  const given = options.transportFor ?? (() => defaultTransport);
  // One redirect-following wrapper per transport, built once (weakly held: transports come and go).
  const followed = new WeakMap<UpstreamTransport, UpstreamTransport>();
  const transportFor = (carrier: string): UpstreamTransport => {
    const transport = given(carrier);
    let wrapped = followed.get(transport);
    if (wrapped === undefined) {
      wrapped = followRedirects(transport);
      followed.set(transport, wrapped);
    }
    return wrapped;
  };
  const now = options.now ?? Date.now;
  const timeoutsFor = options.timeoutsFor ?? (() => DEFAULT_TIMEOUTS);
  const gates = options.gates ?? openGates;
  const events = options.events ?? silentEvents;

  /** A carrier-given link, only when it lies under one of the account's hosts (no request elsewhere). */
  function linkUrl(account: ResolvedAccount, carrier: CarrierDefinition, link: string): URL {
    const target = URL.canParse(link) ? new URL(link) : undefined;
    const under = (base: string) => {
      const b = new URL(base);
      return target?.origin === b.origin && target.pathname.startsWith(b.pathname.replace(/\/+$/, ''));
    };
    if (target && Object.values(account.baseUrls).some(under)) return target;
    throw new CarrierError({
      carrier: carrier.id,
      account: account.id,
      failureClass: 'rejected',
      outcome: 'not_sent',
      message: "the carrier's link is not under one of its hosts; it was not fetched",
      code: 'LINK_NOT_FETCHED',
    });
  }

  function buildTarget(account: ResolvedAccount, carrier: CarrierDefinition, req: UpstreamRequest): Target {
    if (req.url !== undefined) return targetOf(linkUrl(account, carrier, req.url));
    const base = account.baseUrls[req.host ?? 'default'];
    if (!base) {
      throw new CarrierError({
        carrier: carrier.id,
        account: account.id,
        failureClass: 'misconfigured',
        outcome: 'not_sent',
        message: `no base URL for host '${req.host ?? 'default'}'`,
      });
    }
    return joinTarget(base, req.path, req.query);
  }

  async function exchange(
    carrier: CarrierDefinition,
    account: ResolvedAccount,
    req: UpstreamRequest,
    target: Target,
    credential: Credential | undefined,
    resendCount: number,
    callerSignal: AbortSignal | undefined,
    cacheHit?: string,
  ): Promise<UpstreamResponse> {
    const attributes = () => ({
      [ATTR.httpMethod]: req.method,
      [ATTR.serverAddress]: target.hostname,
      [ATTR.serverPort]: target.port,
      [ATTR.urlFull]: target.safe,
      [ATTR.carrier]: carrier.id,
      [ATTR.account]: account.id,
      [ATTR.operation]: req.operation,
      ...(resendCount > 0 ? { [ATTR.resendCount]: resendCount } : {}),
      // A cache hit has no acquisition span: the credential is told here.
      ...(cacheHit !== undefined ? { [ATTR.credentialName]: cacheHit, [ATTR.tokenSource]: 'cache' } : {}),
    });
    return activeSpan(req.method, SpanKind.CLIENT, attributes, async (span) => {
      if (cacheHit !== undefined && span.isRecording()) {
        span.addEvent(EVENT.cacheHit, { [ATTR.credentialName]: cacheHit });
      }
      const started = now();
      const finish = (status: number | undefined, error?: CarrierError) => {
        const durationMs = now() - started;
        if (status !== undefined) span.setAttribute(ATTR.httpStatus, status);
        const errorType = error
          ? (error.code ?? error.failureClass)
          : status !== undefined && status >= 400
            ? String(status)
            : undefined;
        if (errorType) {
          span.setAttribute(ATTR.errorType, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
        instruments
          .clientDuration()
          .record(
            durationMs / 1000,
            clientAttributes(req.method, target.hostname, carrier.id, status, errorType),
          );
        events.emit({
          type: 'exchange',
          carrier: carrier.id,
          account: account.id,
          operation: req.operation,
          status,
          failureClass: error?.failureClass,
          code: error?.code,
          retryAfterMs: error?.retryAfterMs,
          resendCount,
          durationMs,
        });
      };
      return send(span, finish);
    });

    async function send(
      span: Span,
      finish: (status: number | undefined, error?: CarrierError) => void,
    ): Promise<UpstreamResponse> {
      const deadline = startDeadline(timeoutsFor(carrier.id).totalMs, callerSignal);
      try {
        const res = await transportFor(carrier.id)({
          method: req.method,
          origin: target.origin,
          path: target.path,
          headers: outboundHeaders(req.headers, credential?.headers),
          body: req.body,
          signal: deadline.signal,
        });
        finish(res.status);
        return upstreamResponse(res.status, headerLookup(res.headers), res.body);
      } catch (error) {
        // The caller went away: not the carrier's failure, so nothing is classified or counted.
        if (callerSignal?.aborted) {
          span.end();
          throw callerAbortError(callerSignal);
        }
        const failure = describeNetworkFailure(error, deadline.timedOut);
        const classified = new CarrierError({
          carrier: carrier.id,
          account: account.id,
          failureClass: 'unavailable',
          outcome: failure.outcome,
          message:
            failure.reason === 'timeout'
              ? 'the carrier did not answer in time'
              : `connection failed (${failure.reason})`,
          code: failure.reason,
          cause: error,
        });
        finish(undefined, classified);
        throw classified;
      } finally {
        deadline.done();
      }
    }
  }

  function errorFrom(
    carrier: CarrierDefinition,
    account: ResolvedAccount,
    res: UpstreamResponse,
  ): CarrierError {
    const decoded = carrier.decodeError(res);
    return new CarrierError({
      carrier: carrier.id,
      account: account.id,
      failureClass: decoded.failureClass,
      // A 5xx may hide a processed request; any 4xx is the carrier saying it did nothing.
      outcome: res.status >= 500 ? 'ambiguous' : 'rejected',
      message: decoded.message,
      code: decoded.code,
      status: res.status,
      retryAfterMs: decoded.retryAfterMs ?? parseRetryAfter(res.headers.get('retry-after'), now()),
      auth: decoded.auth ?? false,
    });
  }

  /**
   * Credential acquisition behind the auth gate, as an internal span the broker's hooks annotate.
   * A cache hit (`cached`) still passes the gate (the auth breaker counts it) but gets no span
   * of its own: the CLIENT span of the call says where its credential came from.
   */
  function acquire(
    carrier: string,
    account: string,
    name: string,
    get: (probe: boolean) => Promise<Credential>,
    cached?: Credential,
  ): Promise<Credential> {
    if (cached !== undefined) return gates.auth(carrier, account, () => Promise.resolve(cached));
    const attributes = () => ({
      [ATTR.carrier]: carrier,
      [ATTR.account]: account,
      [ATTR.credentialName]: name,
    });
    return activeSpan('auth.credential', SpanKind.INTERNAL, attributes, async (span) => {
      try {
        return await gates.auth(carrier, account, get);
      } catch (error) {
        if (error instanceof CarrierError) span.setAttribute(ATTR.failureClass, error.failureClass);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * The carrier already refused this attempt's call, so a local refusal of the refresh that
   * followed (a cooldown) does not make the attempt one that sent nothing.
   */
  function afterContact(error: unknown): unknown {
    if (!(error instanceof CarrierError) || !error.localRefusal) return error;
    return new CarrierError({
      carrier: error.carrier,
      account: error.account,
      failureClass: error.failureClass,
      outcome: error.outcome,
      message: error.message,
      code: error.code,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      auth: error.auth,
    });
  }

  /**
   * A 401 the carrier's decoder says no fresh token can cure (UPS 250003, an invalid access
   * license): a forced refresh would cost a token call and be refused the same way.
   */
  function refusedForGood(carrier: CarrierDefinition, res: UpstreamResponse): boolean {
    const failureClass = carrier.decodeError(res).failureClass;
    return failureClass === 'misconfigured' || failureClass === 'revoked';
  }

  /** A second 401 after a fresh credential: the token died early or the credential is gone. */
  function stillRefused(error: CarrierError): CarrierError {
    const keep = error.failureClass === 'misconfigured' || error.failureClass === 'revoked';
    return new CarrierError({
      carrier: error.carrier,
      account: error.account,
      failureClass: keep ? error.failureClass : 'token_expired',
      outcome: 'rejected',
      message: `credentials refused after a forced refresh: ${error.message}`,
      code: error.code,
      status: 401,
      auth: true,
    });
  }

  return {
    context(carrier, account, signal) {
      const request = async (req: UpstreamRequest): Promise<UpstreamResponse> => {
        const target = buildTarget(account, carrier, req);
        const name = req.auth === false ? undefined : (req.auth ?? 'primary');
        const send = (credential: Credential | undefined, resendCount: number, cacheHit?: string) =>
          gates.api(carrier.id, account.id, async () => {
            const res = await exchange(
              carrier,
              account,
              req,
              target,
              credential,
              resendCount,
              signal,
              cacheHit,
            );
            // A 5xx is the carrier failing: thrown inside the gate so the API breaker counts it.
            if (res.status >= 500) {
              const error = errorFrom(carrier, account, res);
              if (error.auth) gates.authFailure(carrier.id, account.id, error);
              throw error;
            }
            return res;
          });

        const hit = name ? options.broker.cached?.(account, name) : undefined;
        let credential = name
          ? await acquire(
              carrier.id,
              account.id,
              name,
              (probe) => options.broker.credential(account, name, { signal, probe }),
              hit,
            )
          : undefined;
        let res = await send(credential, 0, credential === hit ? name : undefined);
        if (res.status === 401 && name && credential && !refusedForGood(carrier, res)) {
          // Use-time 401 on a credential believed valid: one shared forced refresh, one retry.
          const refused = credential.fingerprint;
          credential = await acquire(carrier.id, account.id, name, (probe) =>
            options.broker.rejected(account, name, refused, { signal, probe }),
          ).catch((error: unknown) => Promise.reject(afterContact(error)));
          res = await send(credential, 1);
          if (res.status === 401) {
            const error = stillRefused(errorFrom(carrier, account, res));
            gates.authFailure(carrier.id, account.id, error);
            throw error;
          }
        }
        if (res.status >= 400) {
          const error = errorFrom(carrier, account, res);
          if (error.auth) gates.authFailure(carrier.id, account.id, error);
          throw error;
        }
        return res;
      };
      return {
        carrier: carrier.id,
        account: { id: account.id, environment: account.environment, settings: account.settings },
        signal,
        request,
        secret(field: string): string {
          const value = account.secrets[field];
          if (value === undefined) {
            throw new CarrierError({
              carrier: carrier.id,
              account: account.id,
              failureClass: 'misconfigured',
              outcome: 'not_sent',
              message: `account has no credential field '${field}'`,
              auth: true,
            });
          }
          return value;
        },
      };
    },
  };
}
