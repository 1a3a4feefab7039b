/**
 * Loads the configuration: the JSON file named by GATEWAY_CONFIG (optional), environment
 * overrides, secret references resolved, every carrier checked against the registry.
 * Without a file, or with no carrier configured, the gateway runs in sandbox mode.
 */
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from './account.ts';
import { resolveCarriers } from './accounts.ts';
import { ConfigError, type ConfigIssue, keyPath } from './config-error.ts';
import { type Env, RefResolver, splitList } from './env-refs.ts';
import { jsonErrorLocation } from './json-location.ts';
import { readOverrides } from './overrides.ts';
import { FileNotFound, hostReadFile, type ReadFile } from './read-file.ts';
import { ConfigFile, type GatewayConfig } from './schema.ts';
import { resolveStore } from './store.ts';

export interface LoadConfigOptions {
  env: Env;
  registry: readonly CarrierDefinition[];
  readFile?: ReadFile;
}

export interface LoadedConfig {
  config: GatewayConfig;
  accounts: ResolvedAccount[];
  sandbox: boolean;
}

/** ` at line L column C`, or nothing when the runtime's parser gives no clue. */
function where(text: string): string {
  const at = jsonErrorLocation(text);
  if (at === undefined) return '';
  return ` at line ${at.line} column ${at.column}${at.endOfInput ? ' (the file ends too early)' : ''}`;
}

async function readConfigFile(path: string, readFile: ReadFile): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (err) {
    const message =
      err instanceof FileNotFound || (err as { code?: string }).code === 'ENOENT'
        ? `configuration file ${path} not found`
        : `configuration file ${path} cannot be read (${(err as { code?: string }).code ?? 'error'})`;
    throw new ConfigError([{ key: 'GATEWAY_CONFIG', message }]);
  }
  // Editors on Windows may save a byte order mark, which JSON does not allow.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch {
    throw new ConfigError([
      { key: 'GATEWAY_CONFIG', message: `configuration file ${path} is not valid JSON${where(json)}` },
    ]);
  }
}

function parseFile(raw: unknown, source: string | undefined): ConfigFile {
  const parsed = ConfigFile.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues: ConfigIssue[] = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => ({ key: keyPath([...issue.path, k]), message: 'unknown key' }))
      : [{ key: keyPath(issue.path), message: issue.message }],
  );
  throw new ConfigError(issues, source);
}

/** The alerts section with its webhook secret resolved. */
function resolveAlerts(file: ConfigFile, refs: RefResolver): GatewayConfig['alerts'] {
  if (file.alerts === undefined) return undefined;
  const { webhook, ...rest } = file.alerts;
  if (webhook === undefined) return rest;
  const secret = refs.resolve(webhook.secret, 'alerts.webhook.secret') ?? '';
  return { ...rest, webhook: { ...webhook, secret } };
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { env, registry } = options;
  const path = env.GATEWAY_CONFIG?.trim() || undefined;
  const raw = path === undefined ? {} : await readConfigFile(path, options.readFile ?? hostReadFile);
  const file = parseFile(raw, path);

  const refs = new RefResolver(env);
  const { overrides, issues: overrideIssues } = readOverrides(env);
  const apiKeys = env.GATEWAY_API_KEYS?.trim()
    ? splitList(env.GATEWAY_API_KEYS)
    : refs.resolveList(file.apiKeys, 'apiKeys');
  const adminKeys = env.GATEWAY_ADMIN_KEYS?.trim()
    ? splitList(env.GATEWAY_ADMIN_KEYS)
    : refs.resolveList(file.adminKeys, 'adminKeys');
  const store = resolveStore(file, overrides, refs);
  const { accounts, issues: carrierIssues } = resolveCarriers(file.carriers, registry, refs);
  const sandbox = path === undefined || Object.keys(file.carriers).length === 0;

  const alerts = resolveAlerts(file, refs);
  const issues = [...overrideIssues, ...carrierIssues, ...refs.issues];
  if (!sandbox && apiKeys.length === 0) {
    issues.push({ key: 'apiKeys', message: 'no API key configured: set GATEWAY_API_KEYS or apiKeys' });
  }
  if (issues.length > 0) throw new ConfigError(issues, path);

  const carriers: GatewayConfig['carriers'] = {};
  for (const [id, c] of Object.entries(file.carriers)) {
    carriers[id] = {
      enabled: c.enabled,
      fallbacks: c.fallbacks,
      breaker: c.breaker,
      timeouts: c.timeouts,
      accounts: c.accounts.map((a) => ({
        id: a.id,
        probe: { enabled: a.probe.enabled, intervalMs: a.probe.intervalMs ?? file.probes.intervalMs },
        ...(a.rotation ? { rotation: a.rotation } : {}),
      })),
    };
  }
  const server = { ...file.server };
  if (overrides.port !== undefined) server.port = overrides.port;
  if (overrides.host !== undefined) server.host = overrides.host;
  if (overrides.publicUrl !== undefined) server.publicUrl = overrides.publicUrl;

  return {
    config: {
      server,
      logLevel: overrides.logLevel ?? file.logLevel,
      apiKeys,
      adminKeys,
      store,
      carriers,
      probes: file.probes,
      telemetry: file.telemetry,
      ...(alerts ? { alerts } : {}),
    },
    accounts,
    sandbox,
  };
}
