/**
 * The one rule for reading a carrier's answer body: tolerant about everything except money
 * and identities.
 *
 * - A `null` is an absent value (carriers write `null` where their spec says "optional").
 * - A field that cannot be read costs that field: it is dropped and named in a warning. A
 *   required field that is missing or unreadable costs what holds it (an optional object, or
 *   one list item: one rate, one package), never the whole answer; only a body without what
 *   the operation needs at its top is unreadable.
 * - An unknown enum value is kept as written and reported as a warning (see `openEnum`).
 * - Money and identities (prices, tracking numbers) are strict (see wire.ts): a value that is
 *   not exact is unreadable, so it is dropped, never approximated or guessed.
 *
 * Adapters describe what they read with zod schemas built from the helpers in wire.ts and
 * call `readBody`. Reading is synchronous, which is what lets `openEnum` report into the
 * current read (zod has no channel for non-fatal findings).
 */
import type { z } from '@hono/zod-openapi';
import { parsedWithoutNull } from './json.ts';

export interface BodyRead<T> {
  value: T;
  /** What was dropped or not understood, one short line each (safe to show callers). */
  warnings: string[];
}

/** The body lacks what the operation needs even after dropping what could not be read. */
export class UnreadableBodyError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UnreadableBodyError';
  }
}

type Key = string | number;
type Container = Record<string, unknown> | unknown[];

const sinks: string[][] = [];

/** Records a finding for the read in progress (used by `openEnum`); a no-op outside `readBody`. */
export function noteFinding(text: string): void {
  sinks.at(-1)?.push(text);
}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * A deep copy without nulls: object members set to null disappear, null list items too. A
 * null list item is noted (a list that loses an item may hold money that no longer adds up).
 */
export function withoutNulls(value: unknown, at: readonly Key[] = []): unknown {
  return copyWithoutNulls(value, [...at]);
}

/** Whether a null appears anywhere in `value` (a scan without copying). */
function holdsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsNull(value[i])) return true;
    return false;
  }
  if (isContainer(value)) {
    for (const k in value)
      if (Object.hasOwn(value, k) && holdsNull((value as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/** `path` is one stack pushed and popped on the way down: no path array per value copied. */
function copyWithoutNulls(value: unknown, path: Key[]): unknown {
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null) {
        noteFinding(`${pathText([...path, i])} is null; left out`);
        continue;
      }
      path.push(i);
      kept.push(copyWithoutNulls(v, path));
      path.pop();
    }
    return kept;
  }
  if (isContainer(value)) {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(source)) {
      const v = source[k];
      if (v === null) continue;
      path.push(k);
      out[k] = copyWithoutNulls(v, path);
      path.pop();
    }
    return out;
  }
  return value;
}

/**
 * One step down a path. UPS and others collapse a one-item list to the item itself, and the
 * schemas (wire.list) accept both, so index 0 of a non-list is the value itself.
 */
function child(node: unknown, key: Key): unknown {
  if (typeof key === 'number') {
    if (Array.isArray(node)) return node[key];
    return key === 0 ? node : undefined;
  }
  return isContainer(node) && !Array.isArray(node) ? node[key] : undefined;
}

/** Removes the value at `path` (a list item is spliced out); false when it is not there. */
function remove(root: unknown, path: readonly Key[]): boolean {
  const last = path.at(-1);
  if (last === undefined) return false;
  const parentPath = path.slice(0, -1);
  const parent = valueAt(root, parentPath);
  if (typeof last === 'number') {
    if (Array.isArray(parent)) {
      if (last >= parent.length) return false;
      parent.splice(last, 1);
      return true;
    }
    // The collapsed single item: removing it removes the member that held it.
    return last === 0 && parentPath.length > 0 && remove(root, parentPath);
  }
  if (!isContainer(parent) || Array.isArray(parent) || !(last in parent)) return false;
  delete (parent as Record<string, unknown>)[last];
  return true;
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let node = root;
  for (const step of path) {
    node = child(node, step);
    if (node === undefined) return undefined;
  }
  return node;
}

export const pathText = (path: readonly Key[]): string =>
  path.length === 0
    ? '(body)'
    : path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

const toKeys = (path: readonly PropertyKey[]): Key[] =>
  path.map((k) => (typeof k === 'number' ? k : String(k)));

/**
 * One repair for the first issue: drop the unreadable value; or, when a required value is
 * missing, drop what holds it (an optional object, or one list item). Repeated, a missing
 * required value climbs until something optional holds it. Undefined at the top of the body.
 */
function repair(root: unknown, issue: z.core.$ZodIssue): string | undefined {
  const path = toKeys(issue.path);
  if (path.length > 0 && valueAt(root, path) !== undefined) {
    if (remove(root, path)) return `${pathText(path)} could not be read (${issue.message}); ignored`;
    return undefined;
  }
  const holder = path.slice(0, -1);
  if (holder.length > 0 && remove(root, holder)) {
    return `${pathText(holder)} left out: ${pathText(path.slice(-1))} is missing or unreadable`;
  }
  return undefined;
}

/** Enough for any real answer; each repair removes something, so the loop ends anyway. */
const MAX_REPAIRS = 500;

/**
 * Reads `json` with `schema` under the tolerant rule. Throws UnreadableBodyError when the
 * top of the body does not have the shape (nothing left to drop).
 */
export function readBody<S extends z.ZodType>(schema: S, json: unknown): BodyRead<z.output<S>> {
  const nulls: string[] = [];
  // Most answers hold no null and read at the first attempt: they are read as they are,
  // and copied only before a repair, which removes from the copy (the answer is shared).
  let root: unknown = json;
  let owned = false;
  if (!parsedWithoutNull(json) && holdsNull(json)) {
    sinks.push(nulls);
    try {
      root = withoutNulls(json);
      owned = true;
    } finally {
      sinks.pop();
    }
  }
  const warnings: string[] = [...nulls];
  for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
    const findings: string[] = [];
    sinks.push(findings);
    let result: ReturnType<S['safeParse']>;
    try {
      result = schema.safeParse(root) as ReturnType<S['safeParse']>;
    } finally {
      sinks.pop();
    }
    if (result.success) {
      return { value: result.data as z.output<S>, warnings: [...new Set([...warnings, ...findings])] };
    }
    const issue = result.error.issues[0];
    if (!owned) {
      root = withoutNulls(root);
      owned = true;
    }
    const note = issue === undefined ? undefined : repair(root, issue);
    if (note === undefined) {
      const where = issue === undefined ? '' : `${pathText(toKeys(issue.path))}: `;
      throw new UnreadableBodyError(`${where}${issue?.message ?? 'not the expected shape'}`);
    }
    warnings.push(note);
  }
  throw new UnreadableBodyError('too many unreadable fields');
}

/** Like readBody, but undefined instead of an exception (for bodies that are optional shapes). */
export function tryReadBody<S extends z.ZodType>(
  schema: S,
  json: unknown,
): BodyRead<z.output<S>> | undefined {
  try {
    return readBody(schema, json);
  } catch (error) {
    if (error instanceof UnreadableBodyError) return undefined;
    throw error;
  }
}
