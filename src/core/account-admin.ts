/**
 * The admin API's account operations over the fleet's account registry: a record checked
 * against its carrier's profile (issues name the field), secrets write-only, and the tokens
 * of an account whose credentials or hosts changed (or that was deleted) revoked for the fleet.
 */

import type { AccountRecord } from '../accounts/record.ts';
import { credentialsChanged, resolveRecord } from '../accounts/record.ts';
import type { AccountRegistry } from '../accounts/registry.ts';
import type { FieldIssue } from '../api/problem.ts';
import type { AccountAdmin, AccountInput, AccountView } from '../api/routes/admin-accounts.ts';
import type { Broker } from '../auth/broker.ts';
import type { CarrierDefinition } from '../carrier/definition.ts';
import { checkAccount } from '../config/accounts.ts';
import type { ConfigIssue } from '../config/config-error.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function viewOf(record: AccountRecord): AccountView {
  return {
    carrier: record.carrier,
    id: record.id,
    environment: record.environment,
    authMethod: record.authMethod,
    credentials: Object.keys(record.secrets).sort(),
    settings: { ...record.settings },
    labels: { ...record.labels },
    baseUrls: { ...record.baseUrls },
    ...(record.tokenCallsPerHour !== undefined ? { tokenCallsPerHour: record.tokenCallsPerHour } : {}),
    enabled: record.enabled,
    probe: { ...record.probe },
    ...(record.rotation ? { rotation: { ...record.rotation } } : {}),
    source: record.source,
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

/** `accounts[0].credentials.clientId` style keys become `/credentials/clientId` pointers. */
const pointer = (issue: ConfigIssue): FieldIssue => ({
  path: `/${issue.key.split('.').slice(1).join('/')}`,
  message: issue.message,
});

export interface AccountAdminDeps {
  registry: AccountRegistry;
  carriers: readonly CarrierDefinition[];
  broker: Broker;
  now(): number;
}

export function accountAdmin(deps: AccountAdminDeps): AccountAdmin {
  const { registry, carriers, broker } = deps;
  return {
    list(cursor, limit) {
      const all = registry.records();
      const start = cursor === undefined ? 0 : all.findIndex((r) => `${r.carrier}/${r.id}` > cursor);
      const page = start < 0 ? [] : all.slice(start, start + limit);
      const last = page.at(-1);
      const more = start >= 0 && start + limit < all.length;
      return { accounts: page.map(viewOf), ...(more && last ? { next: `${last.carrier}/${last.id}` } : {}) };
    },

    get(carrier, id) {
      const record = registry.record(carrier, id);
      return record === undefined ? undefined : viewOf(record);
    },

    async put(carrier, id, input: AccountInput) {
      const def = carriers.find((c) => c.id === carrier);
      if (def === undefined) return { issues: [{ path: '/carrier', message: `unknown carrier ${carrier}` }] };
      if (!ID.test(id))
        return { issues: [{ path: '/account', message: 'must be 1-64 letters, digits, _ or -' }] };
      const before = registry.record(carrier, id);
      // Secrets are write-only: a replace that leaves a field out keeps its value.
      const secrets = { ...(before?.secrets ?? {}), ...input.credentials };
      const issues: ConfigIssue[] = [];
      const method = checkAccount(
        def,
        {
          auth: input.auth,
          credentials: secrets,
          settings: input.settings ?? {},
          baseUrls: input.baseUrls ?? {},
        },
        'account',
        issues,
      );
      if (method === undefined || issues.length > 0) return { issues: issues.map(pointer) };
      const record: AccountRecord = {
        carrier,
        id,
        environment: input.environment,
        authMethod: method,
        secrets,
        settings: { ...input.settings },
        labels: { ...input.labels },
        baseUrls: { ...input.baseUrls },
        ...(input.tokenCallsPerHour !== undefined ? { tokenCallsPerHour: input.tokenCallsPerHour } : {}),
        enabled: input.enabled ?? true,
        probe: input.probe ?? before?.probe ?? { enabled: true },
        ...(input.rotation ? { rotation: input.rotation } : {}),
        source: 'api',
        position: before?.position ?? deps.now(),
        updatedAt: Math.max(deps.now(), (before?.updatedAt ?? 0) + 1),
      };
      const created = await registry.put(record);
      // Tokens obtained as someone else, or from another host, are no good any more.
      if (before !== undefined && credentialsChanged(before, record)) {
        await broker.revoke(resolveRecord(def, before), { keepAuthorization: true });
      }
      return { created, account: viewOf(record) };
    },

    async remove(carrier, id) {
      const before = registry.record(carrier, id);
      const def = carriers.find((c) => c.id === carrier);
      if (before === undefined || def === undefined) return false;
      await registry.remove(carrier, id);
      await broker.revoke(resolveRecord(def, before), { keepAuthorization: false });
      return true;
    },
  };
}
