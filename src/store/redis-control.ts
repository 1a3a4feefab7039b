/**
 * The control plane on Redis (Node only): compare-and-set entries, single-use takes, maps and
 * counters, and a broadcast over pub/sub. Values are sealed (AES-256-GCM, bound to their key
 * name) like tokens; counters hold only numbers. Every key of one group (`{group}` in the
 * caller's key: one account, or the fleet) carries the same hash tag, so each script runs in
 * one slot of a Redis Cluster.
 */
import { createHash } from 'node:crypto';
import type { CompareAndSetResult } from '../auth/types.ts';
import { type Broadcast, type ControlPlane, type ControlStore, keyGroup } from '../control/types.ts';
import type { Sealer } from './encryption.ts';
import type { RedisConnection } from './redis-connection.ts';

const CAS_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, current, redis.call('HGET', KEYS[1], 'd') or false}
end
local next = current + 1
redis.call('HSET', KEYS[1], 'v', next, 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return {1, next}
`;

const TAKE_SCRIPT = `
local d = redis.call('HGET', KEYS[1], 'd')
redis.call('DEL', KEYS[1])
return d
`;

const INCREMENT_SCRIPT = `
for i = 2, #ARGV, 2 do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** The hash tag of a group: short, and no account id in clear in a key name. */
const tagOf = (group: string) => createHash('sha256').update(group).digest('hex').slice(0, 16);

export interface RedisControlOptions {
  connection: RedisConnection;
  namespace: string;
  sealer: Sealer;
  instanceId?: string;
}

export function createRedisControlPlane(options: RedisControlOptions): ControlPlane {
  const { connection, namespace, sealer } = options;
  const { client } = connection;
  const name = (kind: string, key: string) => {
    const group = keyGroup(key);
    const rest = key.startsWith(`{${group}}`) ? key.slice(group.length + 2) : key;
    return `${namespace}:{${tagOf(group)}}:${kind}:${rest}`;
  };
  const open = async (sealed: string, at: string) => JSON.parse(await sealer.open(sealed, at)) as unknown;
  const seal = (value: unknown, at: string) => sealer.seal(JSON.stringify(value), at);

  const store: ControlStore = {
    async get(key) {
      const at = name('ctl', key);
      const [version, sealed] = await client.hmget(at, 'v', 'd');
      if (!sealed) return undefined;
      return { value: await open(sealed, at), version: Number(version ?? 0) };
    },
    async compareAndSet(key, expectedVersion, value, ttlMs): Promise<CompareAndSetResult<unknown>> {
      const at = name('ctl', key);
      const result = (await client.eval(
        CAS_SCRIPT,
        1,
        at,
        expectedVersion,
        await seal(value, at),
        Math.max(0, Math.ceil(ttlMs ?? 0)),
      )) as [number, number, (string | null)?];
      if (result[0] === 1) return { ok: true, version: result[1] };
      const sealed = result[2];
      return {
        ok: false,
        current: sealed ? { value: await open(sealed, at), version: result[1] } : undefined,
      };
    },
    async take(key) {
      const at = name('ctl', key);
      const sealed = (await client.eval(TAKE_SCRIPT, 1, at)) as string | null;
      return sealed ? open(sealed, at) : undefined;
    },
    async delete(key) {
      await client.del(name('ctl', key));
    },
    async mapGet(key) {
      const at = name('map', key);
      const raw = await client.hgetall(at);
      const out: Record<string, unknown> = {};
      for (const [field, sealed] of Object.entries(raw))
        out[field] = await open(sealed, `${at}\u0000${field}`);
      return out;
    },
    async mapSet(key, field, value) {
      const at = name('map', key);
      await client.hset(at, field, await seal(value, `${at}\u0000${field}`));
    },
    async mapDelete(key, field) {
      await client.hdel(name('map', key), field);
    },
    async increment(key, deltas, ttlMs) {
      const fields = Object.entries(deltas).flatMap(([field, delta]) => [field, String(delta)]);
      if (fields.length === 0) return;
      await client.eval(INCREMENT_SCRIPT, 1, name('cnt', key), Math.max(1, Math.ceil(ttlMs)), ...fields);
    },
    async counters(key) {
      const raw = await client.hgetall(name('cnt', key));
      return Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, Number(value)]));
    },
  };

  const channel = (topic: string) => `${namespace}:{${tagOf('fleet')}}:bc:${topic}`;
  const broadcast: Broadcast = {
    async publish(topic, message) {
      await client.publish(channel(topic), JSON.stringify(message));
    },
    subscribe(topic, handler) {
      let active = true;
      connection.subscribe(channel(topic), (text) => {
        if (!active) return;
        try {
          handler(JSON.parse(text) as unknown);
        } catch {
          // A malformed message (or a failing handler) is dropped; the others still arrive.
        }
      });
      return () => {
        active = false;
      };
    },
  };

  return { store, broadcast, instanceId: options.instanceId ?? crypto.randomUUID() };
}
