/** Command-line flags of `npm run bench`. */

export interface BenchArgs {
  quick: boolean;
  /** Scenario ids to run; empty = all. */
  only: string[];
  /** Force the CPU-profile pass (always on in full runs). */
  profile: boolean;
  help: boolean;
}

export const USAGE = `npm run bench [-- options]
  --quick          smoke run: fewer rounds, shorter phases (under 2 minutes)
  --only=a,b       run only these scenarios (ids listed below)
  --profile        add the CPU-profile pass of the gateway in a quick run (always in a full run)
  --help           this text`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: [], profile: false, help: false };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return args;
}
