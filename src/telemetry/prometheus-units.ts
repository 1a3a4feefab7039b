/**
 * Prometheus names carry their unit: the OpenTelemetry compatibility rules turn a metric
 * with unit `s` into `…_seconds` (before a counter's `_total`), `By` into `…_bytes`, and drop
 * annotations such as `{call}`. The exporter in use writes OpenMetrics `# UNIT` lines instead,
 * which the 0.0.4 text format does not have; this rewrites its output to the suffixed names.
 * https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#metric-metadata-1
 */

const SUFFIX_OF_UNIT: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
};

const SAMPLE_SUFFIXES = ['', '_bucket', '_sum', '_count'] as const;

function suffixed(name: string, suffix: string): string {
  const total = name.endsWith('_total');
  const base = total ? name.slice(0, -'_total'.length) : name;
  if (base.endsWith(`_${suffix}`)) return name;
  return `${base}_${suffix}${total ? '_total' : ''}`;
}

function sampleName(line: string): string {
  const end = line.search(/[{\s]/);
  return end < 0 ? line : line.slice(0, end);
}

/** Rewrites Prometheus text so each family with a known unit has it as a name suffix. */
export function withUnitSuffixes(text: string): string {
  const renames = new Map<string, string>();
  for (const line of text.split('\n')) {
    const unit = /^# UNIT (\S+) (\S+)$/.exec(line);
    const suffix = unit?.[2] === undefined ? undefined : SUFFIX_OF_UNIT[unit[2]];
    if (unit?.[1] !== undefined && suffix !== undefined) renames.set(unit[1], suffixed(unit[1], suffix));
  }
  const samples = new Map<string, string>();
  for (const [from, to] of renames)
    for (const s of SAMPLE_SUFFIXES) if (from !== to) samples.set(`${from}${s}`, `${to}${s}`);

  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# UNIT ')) continue;
    const meta = /^# (HELP|TYPE) (\S+)(.*)$/.exec(line);
    if (meta) {
      const to = renames.get(meta[2] ?? '');
      out.push(to === undefined ? line : `# ${meta[1]} ${to}${meta[3]}`);
      continue;
    }
    if (line.startsWith('#') || line === '') {
      out.push(line);
      continue;
    }
    const name = sampleName(line);
    const to = samples.get(name);
    out.push(to === undefined ? line : `${to}${line.slice(name.length)}`);
  }
  return out.join('\n');
}
