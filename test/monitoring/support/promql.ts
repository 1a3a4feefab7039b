/**
 * The metric names a PromQL expression reads: label matchers, grouping clauses and strings
 * removed, then every gateway metric name or recording rule left.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [
    ...new Set(bare.match(/\b(?:carrier_gateway:[a-z0-9_:]+|gateway_[a-z0-9_]+|http_[a-z0-9_]+)\b/g) ?? []),
  ];
}

/** The family a sample name belongs to (a histogram's _bucket, _sum and _count are its family). */
export function familyOf(name: string, families: ReadonlySet<string>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return families.has(base) ? base : undefined;
}

/** `record:` names and every `expr:` of a rules file (block scalars included). */
export function rulesOf(yaml: string): { records: string[]; alerts: string[]; exprs: string[] } {
  const records = [...yaml.matchAll(/^\s*- record: (\S+)$/gm)].map((m) => m[1] as string);
  const alerts = [...yaml.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1] as string);
  const exprs: string[] = [];
  const lines = yaml.split('\n');
  const indentOf = (line: string) => line.length - line.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)expr: ?(.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    if (m[2] !== '|' && m[2] !== '>') {
      exprs.push(m[2] ?? '');
      continue;
    }
    const indent = (m[1] ?? '').length;
    const body: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[i + 1] ?? '';
      if (next.trim() !== '' && indentOf(next) <= indent) break;
      i += 1;
      body.push(next);
    }
    exprs.push(body.join('\n'));
  }
  return { records, alerts, exprs };
}
