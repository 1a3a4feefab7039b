/**
 * What the gateway's Redis user must be allowed, and the start-up check that it is (Node
 * only). The gateway needs a handful of commands on keys and channels under its namespace;
 * `aclSetUser` writes the ready-to-paste `ACL SETUSER` line for exactly those.
 *
 * The check runs each needed command once on a probe key of the namespace (deleted at once):
 * a user may not run `ACL DRYRUN` itself, and a command refused inside a Lua script is not
 * named in the error, while one refused outside is. A missing permission, refused
 * credentials or a failed TLS handshake stop start-up with one line saying what to fix;
 * an unreachable Redis does not (the gateway starts degraded and resumes when it returns).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisConnection } from './redis-connection.ts';
import type { RedisKeys } from './redis-keys.ts';

export interface AccessNeeds {
  /** A replicated topology where label claims wait for replicas (WAIT). */
  waitsForReplicas: boolean;
  /** The URL names a database other than 0 (SELECT). */
  selectsDatabase: boolean;
}

/** The commands the gateway runs, by topology (scripts use HGET, HSET, PEXPIRE, PUBLISH, GET, SET, DEL). */
export function neededCommands(connection: Pick<RedisConnection, 'topology'>, needs: AccessNeeds): string[] {
  const commands = [
    'ping',
    'get',
    'set',
    'del',
    'hget',
    'hset',
    'hmget',
    'hgetall',
    'hdel',
    'hincrbyfloat',
    'pexpire',
    'persist',
    'eval',
    'scan',
    'publish',
    'subscribe',
    'psubscribe',
  ];
  if (needs.waitsForReplicas) commands.push('wait', 'role');
  if (needs.selectsDatabase) commands.push('select');
  // ioredis reads the slot map and waits for the cluster to be ready.
  if (connection.topology === 'cluster') commands.push('cluster|slots', 'cluster|info');
  return commands;
}

/** The `ACL SETUSER` line granting exactly what the gateway needs under its namespace. */
export function aclSetUser(user: string, namespace: string, commands: readonly string[]): string {
  return `ACL SETUSER ${user} on >PASSWORD resetkeys ~${namespace}:* resetchannels &${namespace}:* -@all ${commands.map((c) => `+${c}`).join(' ')}`;
}

const TLS_FAILURE = /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/;

/**
 * One line saying why Redis refused the gateway at connection, or undefined for an outage.
 * A TLS server that requires a client certificate closes the connection after the handshake
 * (the client sees a reset, nothing more): with TLS and no certificate, a reset says so.
 */
export function explainStartupError(
  error: Error | undefined,
  user: string,
  tls: { used: boolean; clientCertificate: boolean },
): string | undefined {
  if (error === undefined) return undefined;
  const { message } = error;
  const code = (error as { code?: string }).code ?? '';
  if (/^(WRONGPASS|NOAUTH)/.test(message))
    return `Redis refused the user name or password of user '${user}' (${message.split(' ')[0]})`;
  if (message.startsWith('NOPERM')) return `Redis user '${user}' lacks a permission: ${message}`;
  if (code.includes('CERTIFICATE_REQUIRED'))
    return `Redis requires a client certificate (${code}): set store.tls.cert and store.tls.key`;
  if (TLS_FAILURE.test(code)) return `the TLS handshake with Redis failed (${code}): check store.tls`;
  if (code === 'ECONNRESET' && tls.used && !tls.clientCertificate)
    return 'Redis closed the TLS connection (ECONNRESET), as a server that requires a client certificate does: set store.tls.cert and store.tls.key';
  return undefined;
}

const userOf = (connection: RedisConnection) => connection.user;
const ignore = () => undefined;

/** A subscription's confirmation as a command outcome; no answer in time is no verdict. */
async function subscribed(confirmation: Promise<Error | undefined>): Promise<void> {
  const done = new AbortController();
  const noVerdict = sleep(5_000, undefined, { signal: done.signal }).catch(() => undefined);
  const error = await Promise.race([confirmation, noVerdict]);
  done.abort();
  if (error) throw error;
}

function refused(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('NOPERM') ? message : undefined;
}

/**
 * Runs every needed command once. Resolves to one line naming the first missing permission
 * (and the ACL rule that grants it), or undefined when the user may do all the gateway does.
 */
export async function missingPermission(
  connection: RedisConnection,
  keys: RedisKeys,
  needs: AccessNeeds,
): Promise<string | undefined> {
  const { client } = connection;
  const probe = keys.fleet.permissionProbe;
  const hash = `${probe}:hash`;
  const ns = keys.namespace;
  const user = userOf(connection);
  const probes: [string, () => Promise<unknown>][] = [
    ['ping', () => client.ping()],
    ['set', () => client.set(probe, '1', 'PX', 10_000)],
    ['get', () => client.get(probe)],
    ['hset', () => client.hset(hash, 'v', '0')],
    ['hget', () => client.hget(hash, 'v')],
    ['hmget', () => client.hmget(hash, 'v')],
    ['hgetall', () => client.hgetall(hash)],
    ['hincrbyfloat', () => client.hincrbyfloat(hash, 'n', 1)],
    ['hdel', () => client.hdel(hash, 'n')],
    ['pexpire', () => client.pexpire(hash, 10_000)],
    ['persist', () => client.persist(hash)],
    ['eval', () => client.eval('return 1', 1, probe)],
    ['scan', () => connection.scan(`${ns}:{fleet}:permission-probe*`)],
    ['publish', () => client.publish(probe, '')],
    ['subscribe', () => subscribed(connection.subscribe(keys.fleet.breakers, ignore))],
    ['psubscribe', () => subscribed(connection.psubscribe(keys.patterns.channels, ignore))],
    ['del', () => client.del(probe, hash)],
  ];
  if (needs.waitsForReplicas) probes.push(['wait', () => client.wait(0, 1)], ['role', () => client.role()]);
  for (const [command, run] of probes) {
    let denial: string | undefined;
    try {
      await run();
    } catch (error) {
      denial = refused(error);
    }
    if (denial === undefined) continue;
    if (/\bkeys?\b/i.test(denial))
      return `Redis user '${user}' may not use keys under '${ns}:*': grant them with ACL SETUSER ${user} ~${ns}:*`;
    if (/channel/i.test(denial))
      return `Redis user '${user}' may not use channels under '${ns}:*': grant them with ACL SETUSER ${user} &${ns}:*`;
    return `Redis user '${user}' may not run ${command.toUpperCase()}: grant it with ACL SETUSER ${user} +${command}`;
  }
  return undefined;
}
