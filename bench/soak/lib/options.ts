/** Command-line options of `npm run soak`, and the two modes they select. */
import { PROCESS_ACTIONS, type ProcessAction } from '../chaos/plan.ts';

export interface SoakOptions {
  mode: 'short' | 'long';
  seed: number;
  /** Requests per second (open loop). */
  rate: number;
  /** Length of the load, warm-up and quiet phase included. */
  totalSec: number;
  warmupSec: number;
  quietSec: number;
  instances: number;
  /** A request with no answer after this long is a broken invariant. */
  deadlineMs: number;
  /** Mean gap between chaos events beyond one of each kind. */
  chaosGapMs: number;
  faultMs: [number, number];
  exclude: ProcessAction[];
  /** Where the report goes (default bench/results). */
  outDir: string | undefined;
  /** Keep the gateways' logs and the answers of a passing run too. */
  keepLogs: boolean;
  help: boolean;
}

const SHORT_SEED = 20;

export const USAGE = `npm run soak [-- options]
  --short              the CI mode: about 2 minutes, fixed seed, low rate
  --minutes <n>        long mode: n minutes of load (default 10)
  --rate <n>           requests per second (short: 15, long: 200)
  --seed <n>           the seed of the fault timeline and the requests (short: 20; long: random)
  --instances <n>      gateway instances (default 2)
  --deadline-ms <n>    a request unanswered after this long breaks an invariant (default 30000)
  --exclude a,b|none   leave out process actions (${PROCESS_ACTIONS.join(', ')})
  --out <dir>          write the report there instead of bench/results/
  --keep-logs          keep the logs and every answer of a passing run (a failing run keeps them)
  --help               this text`;

function number(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0)
    throw new Error(`${flag} needs a positive number\n${USAGE}`);
  return n;
}

export function parseOptions(argv: readonly string[]): SoakOptions {
  let short = false;
  let minutes: number | undefined;
  let rate: number | undefined;
  let seed: number | undefined;
  let instances = 2;
  let deadlineMs = 30_000;
  let exclude: ProcessAction[] | undefined;
  let outDir: string | undefined;
  let help = false;
  let keepLogs = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--short') short = true;
    else if (flag === '--minutes') minutes = number(flag, value());
    else if (flag === '--rate') rate = number(flag, value());
    else if (flag === '--seed') seed = Math.floor(number(flag, value()));
    else if (flag === '--instances') instances = Math.floor(number(flag, value()));
    else if (flag === '--deadline-ms') deadlineMs = Math.floor(number(flag, value()));
    else if (flag === '--out') outDir = value();
    else if (flag === '--keep-logs') keepLogs = true;
    else if (flag === '--exclude') {
      const names = (value() ?? '').split(',').filter((n) => n !== '' && n !== 'none');
      const unknown = names.filter((n) => !(PROCESS_ACTIONS as readonly string[]).includes(n));
      if (unknown.length) throw new Error(`unknown action(s) ${unknown.join(', ')}\n${USAGE}`);
      exclude = names as ProcessAction[];
    } else if (flag === '--help' || flag === '-h') help = true;
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (short && minutes !== undefined) throw new Error(`--short and --minutes exclude each other\n${USAGE}`);
  if (short) {
    return {
      mode: 'short',
      seed: seed ?? SHORT_SEED,
      rate: rate ?? 15,
      totalSec: 105,
      warmupSec: 15,
      quietSec: 30,
      instances,
      deadlineMs,
      chaosGapMs: 2_000,
      faultMs: [2_000, 6_000],
      exclude: exclude ?? [],
      outDir,
      keepLogs,
      help,
    };
  }
  const totalSec = Math.round((minutes ?? 10) * 60);
  const warmupSec = Math.round(Math.min(60, Math.max(15, totalSec * 0.15)));
  const quietSec = Math.round(Math.min(90, Math.max(30, totalSec * 0.2)));
  if (totalSec - warmupSec - quietSec < 20)
    throw new Error(`--minutes is too short for a chaos phase\n${USAGE}`);
  return {
    mode: 'long',
    seed: seed ?? Math.floor(Math.random() * 2 ** 31),
    rate: rate ?? 200,
    totalSec,
    warmupSec,
    quietSec,
    instances,
    deadlineMs,
    chaosGapMs: 4_000,
    faultMs: [3_000, 12_000],
    exclude: exclude ?? [],
    outDir,
    keepLogs,
    help,
  };
}

/** The command that runs the same soak again. */
export function replayCommand(o: SoakOptions): string {
  const mode = o.mode === 'short' ? '--short' : `--minutes ${o.totalSec / 60}`;
  const extra = [
    o.instances !== 2 ? `--instances ${o.instances}` : '',
    `--exclude ${o.exclude.length ? o.exclude.join(',') : 'none'}`,
  ].filter(Boolean);
  return `npm run soak -- ${mode} --seed ${o.seed} --rate ${o.rate}${extra.length ? ` ${extra.join(' ')}` : ''}`;
}
