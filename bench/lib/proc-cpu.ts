/** CPU time of a process from /proc/<pid>/stat (Linux only), for the bench's CPU-per-request tools. */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;

/** The fields after the command name (which may hold spaces or parentheses): stat(5) field 3 is index 0. */
function fieldsOf(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/** utime and stime (fields 14 and 15 of stat(5), 11 and 12 after the command name), in ms. */
function cpuMsOf(fields: string[]): number {
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

export function statFields(pid: number): string[] {
  return fieldsOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** User plus system CPU time the process has spent, in milliseconds. */
export function cpuMs(pid: number): number {
  return cpuMsOf(statFields(pid));
}

/**
 * CPU time per kind of thread of a process, in milliseconds: its threads' names with trailing
 * digits dropped (`MainThread`, `V8Worker` for V8's garbage-collection and compiler helpers,
 * `libuv-worker`...). A main-thread CPU profile never shows what the helpers spend.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const byKind = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const kind = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
    byKind.set(kind, (byKind.get(kind) ?? 0) + cpuMsOf(fieldsOf(stat)));
  }
  return byKind;
}
