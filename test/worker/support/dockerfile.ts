/**
 * A small Dockerfile reader and linter (hadolint is not available here) for the rules that
 * matter to this image: multi-stage, a pinned Node LTS slim base, a production-only
 * `npm ci`, a non-root user, a HEALTHCHECK on /healthz, exec-form CMD (node gets SIGTERM),
 * HOST=0.0.0.0, and no secret baked in through ENV or ARG.
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions by stage; continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i]!.trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = logical.slice(0, -1).trimEnd();
      i += 1;
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) logical += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(logical);
    if (!match) continue;
    const instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      stages.push({ image: from?.[1] ?? instruction.args, name: from?.[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON array of an exec-form CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.slice(args.indexOf('['));
  if (!args.includes('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `KEY=value` pairs of ENV/ARG instructions (also the legacy `ENV KEY value` form). */
export function assignments(instruction: Instruction): [string, string][] {
  if (instruction.keyword === 'ENV' && !instruction.args.includes('=')) {
    const [key, ...rest] = instruction.args.split(/\s+/);
    return [[key!, rest.join(' ')]];
  }
  return [...instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|\S*))?/g)].map((m) => [
    m[1]!,
    (m[2] ?? '').replace(/^"|"$/g, ''),
  ]);
}

const SECRET_NAME = /(secret|password|passwd|token|api[_-]?keys?|credential|private[_-]?key)/i;
/** An even major (LTS line) and an exact version: node:24.21.0-slim, optionally @sha256:... */
const PINNED_NODE_LTS_SLIM = /^node:(\d+)\.\d+\.\d+-slim(@sha256:[0-9a-f]{64})?$/;

export function lintDockerfile(text: string): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push('not multi-stage: build dependencies in one stage, run in another');
  for (const stage of stages) {
    const pinned = PINNED_NODE_LTS_SLIM.exec(stage.image);
    if (!pinned) problems.push(`base image ${stage.image} is not an exactly pinned node:<version>-slim`);
    else if (Number(pinned[1]) % 2 !== 0) problems.push(`base image ${stage.image} is not a Node LTS line`);
  }
  const runtime = stages.at(-1);
  if (runtime === undefined) return [...problems, 'no FROM'];
  const all = stages.flatMap((s) => s.instructions);
  const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  if (!runs.some((r) => /\bnpm ci\b/.test(r) && /--omit=dev\b/.test(r)))
    problems.push('dependencies are not installed with `npm ci --omit=dev`');
  if (!runtime.instructions.some((i) => i.keyword === 'COPY' && /--from=/.test(i.args)))
    problems.push('the runtime stage copies nothing from a build stage');

  const users = runtime.instructions.filter((i) => i.keyword === 'USER');
  const user = users.at(-1)?.args.split(':')[0];
  if (user === undefined) problems.push('the runtime stage runs as root (no USER)');
  else if (user === 'root' || user === '0') problems.push(`the runtime stage runs as ${user}`);

  const health = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  const healthCmd = health ? execForm(health.args) : undefined;
  if (!health) problems.push('no HEALTHCHECK');
  else if (healthCmd?.[0] !== 'node' || !healthCmd.join(' ').includes('/healthz'))
    problems.push('the HEALTHCHECK is not an exec-form node command on /healthz');

  const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1);
  const command = cmd ? execForm(cmd.args) : undefined;
  if (!command) problems.push('CMD is missing or in shell form (a shell as PID 1 does not forward SIGTERM)');
  else if (command[0] !== 'node') problems.push('CMD does not run node directly');
  if (runtime.instructions.some((i) => i.keyword === 'ENTRYPOINT' && !execForm(i.args)))
    problems.push('ENTRYPOINT in shell form');

  const env = new Map(runtime.instructions.filter((i) => i.keyword === 'ENV').flatMap(assignments));
  if (env.get('HOST') !== '0.0.0.0')
    problems.push('HOST is not 0.0.0.0 (the server would only listen inside)');
  for (const instruction of all.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
    for (const [key] of assignments(instruction))
      if (SECRET_NAME.test(key))
        problems.push(
          `line ${instruction.line}: ${instruction.keyword} ${key} bakes a secret into the image`,
        );
  }
  for (const copy of all.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    if (/(^|\s|\/)\.env\b|\.dev\.vars|\.pem\b/.test(copy.args))
      problems.push(`line ${copy.line}: copies a secrets file`);
  }
  return problems;
}
