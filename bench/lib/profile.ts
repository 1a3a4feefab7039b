/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) and tells where the time went: self time
 * per function and per area (a package under node_modules, a folder of this repository,
 * Node internals, GC, idle). This is how the benchmark names its bottleneck.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Hotspot {
  name: string;
  /** Share of all samples, 0..1. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples not idle. */
  busy: number;
  functions: Hotspot[];
  areas: Hotspot[];
}

/** A short name for where a function lives: a package, a repository folder, or a Node area. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return '(gc)';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program)';
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const repo = /\/(src|carriers|sandbox|bench)\/([^/]+)/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

export async function summarizeProfile(path: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
    total += dt;
  });
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const [id, time] of selfTime) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === '(idle)') idle += time;
    const file = url.split('/').slice(-1)[0] ?? '';
    const name = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''} [${area}]`;
    functions.set(name, (functions.get(name) ?? 0) + time);
    areas.set(area, (areas.get(area) ?? 0) + time);
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: total > 0 ? time / total : 0 }));
  return {
    totalMs: total / 1000,
    busy: total > 0 ? 1 - idle / total : 0,
    functions: ranked(functions),
    areas: ranked(areas),
  };
}
