/** Why configuration cannot start the gateway: each issue names the key path and the problem. */
export interface ConfigIssue {
  /** Dotted key path (`carriers.acme.accounts[0].credentials.clientSecret`) or an env var name. */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  /** The first offending key. */
  readonly key: string;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const first = issues[0] ?? { key: '(config)', message: 'invalid configuration' };
    const where = source === undefined ? '' : ` (${source})`;
    // One problem is one line; several are listed one per line under a heading.
    super(
      issues.length <= 1
        ? `Invalid configuration${where}: ${first.key}: ${first.message}`
        : `Invalid configuration${where}:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.key = first.key;
    this.issues = issues.length > 0 ? issues : [first];
  }
}

/** `['carriers', 'acme', 'accounts', 0, 'id']` -> `carriers.acme.accounts[0].id`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}
