/**
 * Reads the configuration file. The core stays Web-standard: on runtimes that expose
 * Node's fs through `process.getBuiltinModule` (Node, workerd with nodejs_compat) it is
 * used; elsewhere the caller passes `readFile` to loadConfig.
 */
export type ReadFile = (path: string) => Promise<string>;

export class FileNotFound extends Error {
  constructor(path: string) {
    super(`file not found: ${path}`);
    this.name = 'FileNotFound';
  }
}

interface FsPromises {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

export const hostReadFile: ReadFile = async (path) => {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = host?.getBuiltinModule?.('fs/promises') as FsPromises | undefined;
  if (!fs) throw new Error('this runtime cannot read files: pass readFile to loadConfig');
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new FileNotFound(path);
    throw err;
  }
};
