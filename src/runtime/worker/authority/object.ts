/**
 * The credential authority: one Durable Object per carrier account, the only place that
 * calls the account's token endpoint for every isolate of the Worker.
 *
 * It runs the same credential broker as Node, over a store on the object's own storage:
 * - single-flight: the in-flight token promise lives in this object, so concurrent asks
 *   from any isolate join it (the runtime interleaves them while the token call awaits);
 * - a rotated refresh token is persisted through compare-and-set before anyone is
 *   answered (and the output gate holds the answer until the write is durable);
 * - every token call has the carrier's token timeout, and each flight a deadline, so a
 *   hung endpoint can never wedge the object;
 * - cooldowns and the hourly token quota live here too, so they hold fleet-wide, and so does
 *   the auth breakers' half-open probe: each isolate's breaker may ask to bypass the cooldown,
 *   but at most one such ask per reset period reaches the carrier, however many isolates;
 * - an alarm keeps an idle account's refresh token alive.
 */
import { carriers as registry } from '../../../../carriers/index.ts';
import { type Broker, createCredentialBroker } from '../../../auth/broker.ts';
import type { Credential, CredentialRequestOptions } from '../../../auth/types.ts';
import type { ResolvedAccount } from '../../../config/account.ts';
import { ConfigError } from '../../../config/config-error.ts';
import { policiesFrom } from '../../../config/policies.ts';
import { carrierErrorToWire } from '../../../domain/error-wire.ts';
import { CarrierError } from '../../../domain/failure.ts';
import { createLogger, type Logger } from '../../../log/logger.ts';
import { createDurableObjectTokenStore } from '../../../store/durable-object.ts';
import { registerSecret } from '../../../telemetry/redact.ts';
import { loadWorkerConfig } from '../config.ts';
import type { DurableObjectState } from '../durable-object.ts';
import { type AuthorityAnswer, AuthorityCall } from './protocol.ts';

/** How often an idle authorization-code account's refresh token is checked (and refreshed near its end). */
export const KEEPALIVE_INTERVAL_MS = 12 * 3600 * 1000;
const ACCOUNT_KEY = 'meta:account';

interface Setup {
  accounts: readonly ResolvedAccount[];
  tokenTimeoutMs(carrier: string): number;
  /** The auth breaker's reset period: how often a half-open probe may bypass the cooldown. */
  probeIntervalMs(carrier: string): number;
  logger: Logger;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function failure(error: CarrierError): AuthorityAnswer {
  return { ok: false, error: carrierErrorToWire(error) };
}

function unavailable(carrier: string, account: string, message: string): CarrierError {
  return new CarrierError({
    carrier,
    account,
    failureClass: 'unavailable',
    outcome: 'not_sent',
    message,
    code: 'credential_authority_error',
    auth: true,
  });
}

export class CredentialAuthority {
  readonly #state: DurableObjectState;
  readonly #env: Record<string, unknown>;
  #setup: Setup | undefined;
  #broker: Broker | undefined;
  #alarmArmed = false;
  #lastProbeAt = Number.NEGATIVE_INFINITY;

  constructor(state: DurableObjectState, env: Record<string, unknown>) {
    this.#state = state;
    this.#env = env;
  }

  async fetch(request: Request): Promise<Response> {
    const parsed = AuthorityCall.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) return json({ error: 'bad authority call' }, 400);
    const call = parsed.data;
    try {
      const account = await this.#account(call.carrier, call.account, call.definition);
      const broker = await this.#brokerFor(account);
      if (call.op === 'invalidate') {
        await broker.invalidate(account);
        return json({ ok: true } satisfies AuthorityAnswer);
      }
      if (call.op === 'revoke') {
        await broker.revoke(account, { keepAuthorization: call.keepAuthorization });
        return json({ ok: true } satisfies AuthorityAnswer);
      }
      if (call.op === 'inspect') {
        const info = await broker.inspect(account, call.name);
        return json({ ok: true, ...(info ? { info } : {}) } satisfies AuthorityAnswer);
      }
      if (call.op === 'authorize') {
        await broker.storeAuthorization(account, call.token);
        await this.#armKeepAlive(account);
        return json({ ok: true } satisfies AuthorityAnswer);
      }
      const options = await this.#probeGate(account, call.options as CredentialRequestOptions);
      const credential =
        call.op === 'credential'
          ? await broker.credential(account, call.name, options)
          : await broker.rejected(account, call.name, call.fingerprint, options);
      await this.#armKeepAlive(account);
      return json(await this.#answer(broker, account, call.name, credential));
    } catch (error) {
      if (error instanceof CarrierError) return json(failure(error));
      const message =
        error instanceof ConfigError
          ? 'the credential authority cannot load the configuration'
          : 'the credential authority failed';
      // Only the error's name is logged: a message could carry something it should not.
      this.#logger().error(message, { errorName: error instanceof Error ? error.name : typeof error });
      return json(failure(unavailable(call.carrier, call.account, message)));
    }
  }

  /** Keeps an idle account's refresh token alive, then re-arms itself. */
  async alarm(): Promise<void> {
    const who = await this.#state.storage.get<{ carrier: string; id: string }>(ACCOUNT_KEY);
    if (who === undefined) return;
    try {
      const account = await this.#account(who.carrier, who.id);
      const broker = await this.#brokerFor(account);
      // Loads the slot from storage (refreshing an expired token), then refreshes a refresh token near its end.
      await broker.credential(account, 'primary');
      await broker.keepAlive();
    } catch (error) {
      this.#logger().warn('refresh-token keep-alive failed', {
        errorName: error instanceof Error ? error.name : typeof error,
        failureClass: error instanceof CarrierError ? error.failureClass : undefined,
      });
    } finally {
      await this.#state.storage.setAlarm(Date.now() + KEEPALIVE_INTERVAL_MS);
    }
  }

  /** One cooldown-bypassing probe per reset period for the whole fleet; later ones ask as usual. */
  async #probeGate(
    account: ResolvedAccount,
    options: CredentialRequestOptions,
  ): Promise<CredentialRequestOptions> {
    if (!options.probe) return options;
    const now = Date.now();
    const interval = (await this.#loadSetup()).probeIntervalMs(account.carrier);
    if (now - this.#lastProbeAt < interval) return { ...options, probe: false };
    this.#lastProbeAt = now;
    return options;
  }

  async #answer(
    broker: Broker,
    account: ResolvedAccount,
    name: string,
    credential: Credential,
  ): Promise<AuthorityAnswer> {
    const info = await broker.inspect(account, name);
    return {
      ok: true,
      credential: {
        headers: { ...credential.headers },
        fingerprint: credential.fingerprint,
        ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
        ...(info !== undefined ? { refreshAt: info.refreshAt } : {}),
      },
    };
  }

  async #armKeepAlive(account: ResolvedAccount): Promise<void> {
    if (this.#alarmArmed || account.authMethod !== 'authorization_code') return;
    this.#alarmArmed = true;
    await this.#state.storage.put(ACCOUNT_KEY, { carrier: account.carrier, id: account.id });
    if ((await this.#state.storage.getAlarm()) === null) {
      await this.#state.storage.setAlarm(Date.now() + KEEPALIVE_INTERVAL_MS);
    }
  }

  async #loadSetup(): Promise<Setup> {
    if (this.#setup !== undefined) return this.#setup;
    const { config, accounts } = await loadWorkerConfig(this.#env);
    for (const account of accounts) for (const value of Object.values(account.secrets)) registerSecret(value);
    const policies = policiesFrom(
      config,
      registry.map((c) => c.id),
    );
    // `??=` after the await: two first requests never end up with two setups.
    this.#setup ??= {
      accounts,
      tokenTimeoutMs: (carrier) => policies[carrier]?.timeouts.tokenMs ?? 10_000,
      probeIntervalMs: (carrier) => policies[carrier]?.breaker.auth.resetTimeoutMs ?? 30_000,
      logger: createLogger({ level: config.logLevel }).child({ component: 'credential-authority' }),
    };
    return this.#setup;
  }

  #logger(): Logger {
    return this.#setup?.logger ?? createLogger({ level: 'warn' });
  }

  async #account(carrier: string, id: string, definition?: ResolvedAccount): Promise<ResolvedAccount> {
    const setup = await this.#loadSetup();
    // The isolate's account (the fleet's record) when it names this very account.
    if (definition !== undefined && definition.carrier === carrier && definition.id === id) {
      for (const value of Object.values(definition.secrets)) registerSecret(value);
      return definition;
    }
    const account = setup.accounts.find((a) => a.carrier === carrier && a.id === id);
    if (account === undefined) {
      throw new CarrierError({
        carrier,
        account: id,
        failureClass: 'misconfigured',
        outcome: 'not_sent',
        message: `${carrier}/${id}: no such account in the configuration`,
        code: 'unknown_account',
        auth: true,
      });
    }
    return account;
  }

  /** One broker per object (one object per account), created on first use. */
  async #brokerFor(account: ResolvedAccount): Promise<Broker> {
    const setup = await this.#loadSetup();
    // Assigned with no await in between: concurrent first requests share one broker, hence
    // one single-flight.
    this.#broker ??= createCredentialBroker({
      store: createDurableObjectTokenStore(this.#state.storage),
      profileOf: (carrier) => {
        const found = registry.find((c) => c.id === carrier);
        if (!found) throw new Error(`unknown carrier ${carrier}`);
        return found.auth;
      },
      fetch: (input, init) => fetch(input, init),
      tokenCallTimeoutMs: setup.tokenTimeoutMs(account.carrier),
      logger: setup.logger,
    });
    return this.#broker;
  }
}
