/**
 * `npm run build:worker`: bundles the Worker with wrangler (the same build `wrangler deploy`
 * uploads, without uploading), checks that nothing Node-only got in, and prints its size.
 * Tests import buildWorker() to run the very bundle in workerd.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What workerd itself provides (nodejs_compat gives `events`, which opossum requires). */
const RUNTIME_MODULES = new Set(['events', 'node:events', 'cloudflare:workers']);

/** Source that must never reach the bundle: Node-only packages and the Node/sandbox code. */
const NODE_ONLY_SOURCES = [
  'node_modules/ioredis/',
  'node_modules/undici/',
  'node_modules/@hono/node-server/',
  'node_modules/@opentelemetry/sdk-node/',
  'src/runtime/node/',
  'src/store/redis',
  'sandbox/',
  '/simulator/',
  'scripts/',
];

export interface WorkerBundle {
  /** The bundled entry module. */
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Module specifiers the bundle imports from the runtime. */
  imports: string[];
  /** Source files inlined (esbuild metafile inputs). */
  inputs: string[];
}

export class WorkerBundleError extends Error {}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolvePromise(output)
        : reject(new WorkerBundleError(`wrangler exited with ${code}\n${output}`)),
    );
  });
}

/** The part of esbuild's metafile (wrangler --metafile) the checks read. */
interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

/**
 * Throws when the bundle imports a module workerd does not provide, or inlines Node-only
 * code; returns the runtime imports.
 */
export function checkBundle(meta: Metafile): string[] {
  const imports = new Set<string>();
  for (const output of Object.values(meta.outputs))
    for (const entry of output.imports) if (entry.external) imports.add(entry.path);
  const foreign = [...imports].filter((spec) => !RUNTIME_MODULES.has(spec));
  if (foreign.length > 0) throw new WorkerBundleError(`the bundle imports ${foreign.join(', ')}`);
  const leaked = Object.keys(meta.inputs).filter((input) => NODE_ONLY_SOURCES.some((s) => input.includes(s)));
  if (leaked.length > 0) throw new WorkerBundleError(`Node-only code in the bundle: ${leaked.join(', ')}`);
  return [...imports].sort();
}

export async function buildWorker(options: { outdir: string; config?: string }): Promise<WorkerBundle> {
  const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  await run(
    process.execPath,
    [
      wrangler,
      'deploy',
      '--dry-run',
      '--outdir',
      options.outdir,
      '--config',
      options.config ?? join(ROOT, 'wrangler.toml'),
      '--metafile',
      join(options.outdir, 'meta.json'),
    ],
    ROOT,
  );
  const entry = (await readdir(options.outdir)).find((name) => name.endsWith('.js'));
  if (entry === undefined) throw new WorkerBundleError(`no bundle in ${options.outdir}`);
  const file = join(options.outdir, entry);
  const code = await readFile(file);
  const meta = JSON.parse(await readFile(join(options.outdir, 'meta.json'), 'utf8')) as Metafile;
  const imports = checkBundle(meta);
  const inputs = Object.keys(meta.inputs);
  return { file, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, imports, inputs };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundle = await buildWorker({ outdir: join(ROOT, 'dist', 'worker') });
  console.log(`worker bundle: ${bundle.file}`);
  console.log(`size: ${kib(bundle.bytes)}, gzip: ${kib(bundle.gzipBytes)} (${bundle.gzipBytes} bytes)`);
  console.log(`runtime imports: ${bundle.imports.join(', ') || 'none'}`);
}
