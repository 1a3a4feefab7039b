/**
 * Metric attribute objects built once per distinct combination of values and handed out
 * again on every later request: recording a duration allocates no attribute object (and
 * redact.ts passes an unchanged object through without copying it). The combinations are
 * few (method, route, status, carrier, host); a flood of distinct values only empties it.
 */
import type { Attributes } from '@opentelemetry/api';

type Part = string | number | undefined;
type Level = Map<Part, Level | Attributes>;

export function attributeCache(
  build: (a: Part, b: Part, c: Part, d: Part, e: Part) => Attributes,
  max = 1_000,
): (a: Part, b: Part, c: Part, d: Part, e: Part) => Attributes {
  let root: Level = new Map();
  let size = 0;
  const level = (parent: Level, key: Part): Level => {
    let next = parent.get(key) as Level | undefined;
    if (next === undefined) {
      next = new Map();
      parent.set(key, next);
    }
    return next;
  };
  return (a, b, c, d, e) => {
    const last = level(level(level(level(root, a), b), c), d);
    let found = last.get(e) as Attributes | undefined;
    if (found === undefined) {
      if (size >= max) {
        root = new Map();
        size = 0;
        return Object.freeze(build(a, b, c, d, e));
      }
      found = Object.freeze(build(a, b, c, d, e));
      last.set(e, found);
      size += 1;
    }
    return found;
  };
}
