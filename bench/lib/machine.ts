/** The machine a run happened on, for the report (results are meaningless without it). */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  date: string;
  cpus: number;
  model: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(now = new Date()): Machine {
  return {
    date: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    model: cpuModel(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}
