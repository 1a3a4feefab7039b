/** What `npm start` prints in sandbox mode: where things are, the key, and requests to paste. */
import { SAMPLE_LABEL_REQUEST, SAMPLE_RATE_REQUEST } from './examples.ts';

export function printSandboxBanner(info: {
  gatewayUrl: string;
  simulatorsUrl: string;
  apiKey: string;
}): void {
  const { gatewayUrl, simulatorsUrl, apiKey } = info;
  const rate = JSON.stringify(SAMPLE_RATE_REQUEST);
  const label = JSON.stringify(SAMPLE_LABEL_REQUEST);
  console.log(`
carrier-gateway is running in SANDBOX mode (simulated carriers, nothing real is bought)

  gateway     ${gatewayUrl}
  API docs    ${gatewayUrl}/docs
  simulators  ${simulatorsUrl}   (fault injection: POST ${simulatorsUrl}/_control/faults)
  caller key  ${apiKey}

Rates from every carrier:
  curl -s ${gatewayUrl}/v1/rates -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' \\
    -d '${rate}'

A label:
  curl -s ${gatewayUrl}/v1/labels -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' \\
    -H 'Idempotency-Key: order-1001' -d '${label}'
`);
}
