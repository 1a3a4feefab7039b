/** Resolving `{ "env": "NAME" }` references. Only names ever appear in issues, never values. */
import type { ConfigIssue } from './config-error.ts';
import type { EnvRef } from './schema.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export class RefResolver {
  readonly issues: ConfigIssue[] = [];
  readonly #env: Env;

  constructor(env: Env) {
    this.#env = env;
  }

  /** The variable's value, or undefined (and an issue at `key`) when unset or empty. */
  resolve(ref: EnvRef, key: string): string | undefined {
    const value = this.#env[ref.env];
    if (value === undefined || value.trim() === '') {
      this.issues.push({ key, message: `environment variable ${ref.env} is not set` });
      return undefined;
    }
    return value;
  }

  /** Key lists: each variable may hold several comma-separated keys (rotation). */
  resolveList(refs: readonly EnvRef[], key: string): string[] {
    return refs.flatMap((ref, i) => splitList(this.resolve(ref, `${key}[${i}]`)));
  }
}

export const splitList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
