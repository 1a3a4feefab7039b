/** What a scenario hands back, and how the run is written up as markdown. */
import type { Machine } from './machine.ts';

export type GoalStatus = 'met' | 'missed' | 'not measured' | 'reported';

/** One line of the headline table (the scenario table, with measured figures). */
export interface SummaryRow {
  scenario: string;
  against: string;
  measured: string;
  goal: string;
  status: GoalStatus;
}

export interface DetailTable {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface ScenarioResult {
  id: string;
  summary: SummaryRow[];
  details: DetailTable[];
  notes: string[];
  /** Raw figures for the JSON file. */
  data: unknown;
}

export interface ScenarioContext {
  quick: boolean;
  /** Run the gateway under `node --cpu-prof` where a scenario supports it. */
  profile: boolean;
  profileDir: string;
  log(message: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

const STATUS_MARK: Record<GoalStatus, string> = {
  met: 'met',
  missed: '**missed**',
  'not measured': 'not measured',
  reported: 'reported',
};

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function markdownTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function goalStatus(met: boolean | undefined): GoalStatus {
  return met === undefined ? 'not measured' : met ? 'met' : 'missed';
}

export function renderReport(options: {
  machine: Machine;
  mode: 'full' | 'quick';
  wallSec: number;
  /** 1-minute load average when the run ended. */
  loadAverageAtEnd: number;
  results: ScenarioResult[];
}): string {
  const { machine, results } = options;
  const summary = results.flatMap((r) => r.summary);
  const lines = [
    `# Benchmark results (${options.mode} run)`,
    '',
    `${machine.date} · ${machine.cpus} × ${machine.model} · ${machine.memoryGb} GB RAM · Node ${machine.node} · ${machine.platform} · run took ${Math.round(options.wallSec)} s · load average ${machine.loadAverageAtStart} at start, ${options.loadAverageAtEnd} at end (the run itself loads the machine; more at start means other work was running)`,
    '',
    markdownTable(
      ['scenario', 'measured against', 'result', 'goal', 'status'],
      summary.map((s) => [s.scenario, s.against, s.measured, s.goal, STATUS_MARK[s.status]]),
    ),
    '',
    'Reproduce: `npm run bench` (full) or `npm run bench -- --quick` (smoke run); `--only=<ids>` runs some scenarios, `--profile` adds a CPU profile of the gateway on the hot path.',
  ];
  for (const result of results) {
    for (const table of result.details) {
      lines.push('', `### ${table.title}`, '', markdownTable(table.headers, table.rows));
    }
    if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `- ${n}`));
  }
  return `${lines.join('\n')}\n`;
}
