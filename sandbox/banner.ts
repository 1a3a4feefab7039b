/** What `npm start` prints in sandbox mode: where things are, the keys, and requests to paste. */
import { SAMPLE_LABEL_REQUEST, SAMPLE_RATE_REQUEST } from './examples.ts';

export interface BannerInfo {
  gatewayUrl: string;
  simulatorsUrl: string;
  /** Keys sandbox mode made; a key the configuration gave is never printed. */
  apiKey?: string | undefined;
  adminKey?: string | undefined;
  /** An authorization-code account to try the connect flow on. */
  connect?: { carrier: string; account: string } | undefined;
}

/** The shell line that defines the variables the README's examples use. */
export function exportLine(info: BannerInfo): string {
  const vars = [
    `GATEWAY=${info.gatewayUrl}`,
    `SIM=${info.simulatorsUrl}`,
    ...(info.apiKey ? [`KEY=${info.apiKey}`] : []),
    ...(info.adminKey ? [`ADMIN_KEY=${info.adminKey}`] : []),
  ];
  return `export ${vars.join(' ')}`;
}

export function sandboxBanner(info: BannerInfo): string {
  const { gatewayUrl, simulatorsUrl, apiKey, adminKey, connect } = info;
  const key = apiKey ?? '<a key of GATEWAY_API_KEYS>';
  const rate = JSON.stringify(SAMPLE_RATE_REQUEST);
  const label = JSON.stringify(SAMPLE_LABEL_REQUEST);
  const connectLines = connect
    ? `
Connect an authorization-code account (then open the printed address in a browser):
  curl -s -o /dev/null -w '%{redirect_url}\\n' ${gatewayUrl}/v1/connect/${connect.carrier}/${connect.account}/authorize -H 'Authorization: Bearer ${key}'
`
    : '';
  return `
carrier-gateway is running in SANDBOX mode (simulated carriers, nothing real is bought)

  gateway     ${gatewayUrl}
  API docs    ${gatewayUrl}/docs
  dashboard   ${gatewayUrl}/dashboard   (sign in with the admin key)
  simulators  ${simulatorsUrl}   (fault injection: POST ${simulatorsUrl}/_control/faults)
  caller key  ${apiKey ?? '(configured: GATEWAY_API_KEYS)'}
  admin key   ${adminKey ?? '(configured: GATEWAY_ADMIN_KEYS)'}

The README's examples use these variables; paste this line into your shell:
  ${exportLine(info)}

Rates from every carrier:
  curl -s ${gatewayUrl}/v1/rates -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\
    -d '${rate}'

A label:
  curl -s ${gatewayUrl}/v1/labels -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\
    -H 'Idempotency-Key: order-1001' -d '${label}'
${connectLines}`;
}

export function printSandboxBanner(info: BannerInfo): void {
  console.log(sandboxBanner(info));
}
