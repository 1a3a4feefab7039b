/**
 * A copy of the repository as a fresh clone has it (tracked files, and new ones not ignored),
 * for README steps that install, build or write files where they run: they must never change
 * the working tree the suite runs in.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ROOT } from './readme.ts';

export async function checkoutCopy(
  dir: string,
  options: { linkNodeModules?: boolean } = {},
): Promise<string> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '');
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    // A file deleted but not yet committed is listed and absent: skip it.
    await copyFile(join(ROOT, file), join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  // Development tools (wrangler, esbuild) come from the suite's own install.
  if (options.linkNodeModules) await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
