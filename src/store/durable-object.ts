/**
 * A token store on a Durable Object's storage (Workers). One object per carrier account
 * owns its tokens, so the store is only ever used from inside that object: compare-and-set
 * is made atomic by running every operation one after the other (a promise chain), which
 * holds whatever the runtime's input gates do. Values are checked with zod when read back,
 * because storage outlives deployments (an older version may have written them).
 *
 * Versions come from one counter kept beside the tokens and never reset (clear() keeps it),
 * so a deleted-then-rewritten key never reuses an old version (no ABA).
 */
import { z } from '@hono/zod-openapi';
import type { CompareAndSetResult, StoredToken, TokenStore, Versioned } from '../auth/types.ts';

/** The part of a Durable Object's `state.storage` this store uses (async KV API, both backends). */
export interface DurableObjectKv {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<boolean>;
  list<T = unknown>(options?: { prefix?: string }): Promise<Map<string, T>>;
}

const TOKEN_PREFIX = 'token:';
const VERSION_KEY = 'meta:lastVersion';

const StoredTokenSchema = z.object({
  accessToken: z.string(),
  tokenType: z.string(),
  obtainedAt: z.number(),
  expiresAt: z.number(),
  refreshToken: z.string().optional(),
  refreshTokenExpiresAt: z.number().optional(),
  scope: z.string().optional(),
});

const Entry = z.object({ value: StoredTokenSchema, version: z.number().int().positive() });

/** Drops undefined fields: storage keeps what structured clone keeps, zod then sees a clean object. */
function clean(token: StoredToken): StoredToken {
  return Object.fromEntries(Object.entries(token).filter(([, v]) => v !== undefined)) as StoredToken;
}

export function createDurableObjectTokenStore(storage: DurableObjectKv): TokenStore {
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `op` after every earlier operation has finished (success or failure). */
  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = queue.then(op, op);
    queue = run.catch(() => undefined);
    return run;
  }

  async function read(key: string): Promise<Versioned<StoredToken> | undefined> {
    const raw = await storage.get(TOKEN_PREFIX + key);
    if (raw === undefined) return undefined;
    const parsed = Entry.safeParse(raw);
    // An unreadable entry is treated as absent: the broker fetches a fresh token and overwrites it.
    return parsed.success
      ? { value: parsed.data.value as StoredToken, version: parsed.data.version }
      : undefined;
  }

  return {
    get: (key) => serial(() => read(key)),

    compareAndSet: (key, expectedVersion, value) =>
      serial(async (): Promise<CompareAndSetResult<StoredToken>> => {
        const current = await read(key);
        if ((current?.version ?? 0) !== expectedVersion) return { ok: false, current };
        const version = ((await storage.get<number>(VERSION_KEY)) ?? 0) + 1;
        // Both writes are in one output-gate window: the answer leaves only once they are durable.
        await storage.put(VERSION_KEY, version);
        await storage.put(TOKEN_PREFIX + key, { value: clean(value), version });
        return { ok: true, version };
      }),

    delete: (key) =>
      serial(async () => {
        await storage.delete(TOKEN_PREFIX + key);
      }),

    clear: () =>
      serial(async () => {
        const keys = await storage.list({ prefix: TOKEN_PREFIX });
        for (const key of keys.keys()) await storage.delete(key);
      }),
  };
}
