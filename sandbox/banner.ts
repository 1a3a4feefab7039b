/** What `npm start` prints in sandbox mode: where things are, the key, and requests to paste. */
export function printSandboxBanner(info: {
  gatewayUrl: string;
  simulatorsUrl: string;
  apiKey: string;
}): void {
  const { gatewayUrl, simulatorsUrl, apiKey } = info;
  const rate = JSON.stringify({
    shipper: {
      lines: ['1 Main St'],
      city: 'Atlanta',
      stateCode: 'GA',
      postalCode: '30301',
      countryCode: 'US',
    },
    recipient: {
      lines: ['350 5th Ave'],
      city: 'New York',
      stateCode: 'NY',
      postalCode: '10118',
      countryCode: 'US',
    },
    parcels: [
      { weight: { value: 2.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } },
    ],
  });
  const label = JSON.stringify({
    carrier: 'fedex',
    serviceLevel: 'ground',
    format: 'PDF',
    reference: 'order-1001',
    shipper: {
      name: 'Shop',
      phone: '4045550100',
      lines: ['1 Main St'],
      city: 'Atlanta',
      stateCode: 'GA',
      postalCode: '30301',
      countryCode: 'US',
    },
    recipient: {
      name: 'Ada Shopper',
      phone: '2125550100',
      lines: ['350 5th Ave'],
      city: 'New York',
      stateCode: 'NY',
      postalCode: '10118',
      countryCode: 'US',
    },
    parcels: [{ weight: { value: 2.5, unit: 'kg' } }],
  });
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
