/**
 * The README's OpenTelemetry variables, set in the environment of `npm start` (sandbox mode)
 * with the collector's address replaced by a local OTLP receiver: a request's spans arrive,
 * under the service name the README gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE_REQUEST } from '../../sandbox/examples.ts';
import { freePort } from '../sandbox/free-port.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../telemetry/support/otlp-receiver.ts';
import { ROOT, type RunningBlock, readmeBlock, startBlock } from './readme.ts';

let receiver: OtlpReceiver;
let gateway: RunningBlock;
let vars: Record<string, string>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const otel = readmeBlock('otel-env');
  const start = readmeBlock('start');
  // The variables in the environment (set -a exports them), the gateway started after them;
  // npm install is not repeated here (the walkthrough test runs it).
  const code = `set -a\n${otel.code
    .replaceAll('https://otel-collector.example:4318', receiver.url)
    .replaceAll('x-api-key=…', 'x-api-key=test-key')
    // One request is sent: every trace kept (the README's ratio is one in ten).
    .replaceAll(
      'OTEL_TRACES_SAMPLER_ARG=0.1',
      'OTEL_TRACES_SAMPLER_ARG=1',
    )}\nset +a\n${start.code.replace('npm install && ', '')}`;
  gateway = startBlock({ ...otel, code }, { cwd: ROOT, env: { PORT: String(await freePort()) } });
  const line = (await gateway.waitFor(/^\s*export (GATEWAY=.*)$/m, 90_000))[1]!;
  vars = Object.fromEntries(line.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
}, 30_000);

describe('traces with the README OpenTelemetry variables', () => {
  it('a rate request is exported as a SERVER span of service carrier-gateway', async () => {
    const res = await fetch(`${vars.GATEWAY}/v1/rates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${vars.KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(SAMPLE_RATE_REQUEST),
    });
    expect(res.status).toBe(200);
    // OTEL_BSP_SCHEDULE_DELAY=5000: the batch goes out within seconds.
    await expect
      .poll(
        () => receiver.spans().filter((s) => s.kind === 2 && s.attributes['http.route'] === '/v1/rates'),
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .not.toEqual([]);
    const server = receiver.spans().find((s) => s.kind === 2)!;
    expect(server.resource['service.name']).toBe('carrier-gateway');
    // The header the README sets travels with every export, never into the data.
    expect(receiver.bodies.join('')).not.toContain(vars.KEY!);
    // The protocol the README names (the default): binary protobuf.
    expect(new Set(receiver.contentTypes['/v1/traces'])).toEqual(new Set(['application/x-protobuf']));
  });
});
