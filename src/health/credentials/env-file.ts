/**
 * A dotenv-style secrets file (KEY=value lines): the way rotated secrets reach a running
 * gateway (a secret manager rewrites the mounted file; POST /admin/credentials/reload reads
 * it again). Values may be single- or double-quoted; `#` starts a comment line.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? (quoted[2] ?? '').replace(/\\n/g, '\n') : (quoted[2] ?? '');
    out[match[1] as string] = value;
  }
  return out;
}
