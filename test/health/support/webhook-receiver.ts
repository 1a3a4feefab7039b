/**
 * A real webhook receiver on loopback: checks each delivery's HMAC-SHA256 signature the way
 * an operator's endpoint would, records deliveries, and can answer errors to test retries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../../src/health/alerts/types.ts';

export interface Delivery {
  id: string;
  attempt: number;
  signatureValid: boolean;
  alert: Alert;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Every request received, retries included. */
  attempts: Delivery[];
  /** Deliveries answered 2xx, one per delivery id. */
  delivered(): Delivery[];
  /** The next `n` requests (of alerts matching `match`, default all) are answered with `status`. */
  failNext(n: number, status?: number, match?: (alert: Alert) => boolean): void;
  close(): Promise<void>;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function verify(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secret = `whsec_${crypto.randomUUID()}`;
  const attempts: Delivery[] = [];
  const ok = new Map<string, Delivery>();
  let failing = 0;
  let failStatus = 503;
  let failMatch: (alert: Alert) => boolean = () => true;
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const delivery: Delivery = {
      id: String(req.headers['x-gateway-delivery']),
      attempt: Number(req.headers['x-gateway-attempt']),
      signatureValid: verify(
        secret,
        String(req.headers['x-gateway-timestamp']),
        body,
        String(req.headers['x-gateway-signature']),
      ),
      alert: JSON.parse(body) as Alert,
    };
    attempts.push(delivery);
    if (failing > 0 && failMatch(delivery.alert)) {
      failing -= 1;
      res.writeHead(failStatus).end();
      return;
    }
    ok.set(delivery.id, delivery);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/gateway`,
    secret,
    attempts,
    delivered: () => [...ok.values()],
    failNext(n, status = 503, match = () => true) {
      failing = n;
      failStatus = status;
      failMatch = match;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
