/**
 * A Redis server that speaks TLS only and requires a client certificate, with a throwaway
 * certificate authority made by openssl at test time (EC keys: quick to make). The server's
 * certificate names 127.0.0.1 and localhost.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, pings, type RedisProcess, startRedisProcess, tempDir } from './servers.ts';

export interface Pem {
  ca: string;
  cert: string;
  key: string;
}

export interface TlsRedis {
  port: number;
  /** PEM files of the CA and of a client certificate it signed. */
  files: { ca: string; cert: string; key: string };
  /** Their contents. */
  client: Pem;
  process: RedisProcess;
  dispose(): Promise<void>;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('openssl', [...args], { cwd, timeout: 20_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`openssl ${args[0]}: ${stderr || error.message}`)) : resolve(),
    ),
  );
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes ca.{key,crt}, server.{key,crt} and client.{key,crt} in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      ...EC,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=cg-test-ca',
    ],
    dir,
  );
  const sign = async (name: string, extensions: string) => {
    await openssl(
      ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
      dir,
    );
    await writeFile(join(dir, `${name}.ext`), `${extensions}\n`);
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    );
  };
  await sign('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth');
  await sign('client', 'extendedKeyUsage=clientAuth');
}

export async function startTlsRedis(): Promise<TlsRedis> {
  const dir = await tempDir('cg-tls-');
  await makeCertificates(dir);
  const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: join(dir, 'client.key') };
  const client: Pem = {
    ca: await readFile(files.ca, 'utf8'),
    cert: await readFile(files.cert, 'utf8'),
    key: await readFile(files.key, 'utf8'),
  };
  const port = await freePort();
  const process = await startRedisProcess({
    port,
    dir,
    args: [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      join(dir, 'server.crt'),
      '--tls-key-file',
      join(dir, 'server.key'),
      '--tls-ca-cert-file',
      files.ca,
      '--tls-auth-clients',
      'yes',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    ready: () => pings({ port, host: '127.0.0.1', tls: { ...client } }),
  });
  return { port, files, client, process, dispose: () => process.dispose() };
}
