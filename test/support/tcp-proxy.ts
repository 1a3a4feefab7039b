/**
 * A TCP proxy between a client and a server, for network faults a test controls: `cut()`
 * severs every connection and refuses new ones until `restore()`; `hold()` keeps what clients
 * send (the server's answers still flow) until `forwardOneCommand()` lets exactly one Redis
 * command through per connection, or `forwardAll()` lets everything through.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  hold(): void;
  /** Lets one whole RESP command through on each connection holding one; how many went. */
  forwardOneCommand(): number;
  forwardAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  held: Buffer;
}

/** Length of the first whole RESP command (an array of bulk strings) in `buf`, if complete. */
function firstCommandLength(buf: Buffer): number | undefined {
  if (buf[0] !== 0x2a) return undefined;
  let end = buf.indexOf('\r\n');
  if (end < 0) return undefined;
  const parts = Number(buf.subarray(1, end).toString());
  let pos = end + 2;
  for (let i = 0; i < parts; i += 1) {
    if (buf[pos] !== 0x24) return undefined;
    end = buf.indexOf('\r\n', pos);
    if (end < 0) return undefined;
    pos = end + 2 + Number(buf.subarray(pos + 1, end).toString()) + 2;
    if (pos > buf.length) return undefined;
  }
  return pos;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let refusing = false;
  let holding = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, server: upstream, held: Buffer.alloc(0) };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (holding) pair.held = Buffer.concat([pair.held, chunk]);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    refusing = true;
    for (const pair of [...pairs]) {
      pair.client.destroy();
      pair.server.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut,
    restore() {
      refusing = false;
    },
    hold() {
      holding = true;
    },
    forwardOneCommand() {
      let forwarded = 0;
      for (const pair of pairs) {
        const length = firstCommandLength(pair.held);
        if (length === undefined) continue;
        pair.server.write(pair.held.subarray(0, length));
        pair.held = pair.held.subarray(length);
        forwarded += 1;
      }
      return forwarded;
    },
    forwardAll() {
      holding = false;
      for (const pair of pairs) {
        if (pair.held.length > 0) pair.server.write(pair.held);
        pair.held = Buffer.alloc(0);
      }
    },
    async close() {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
