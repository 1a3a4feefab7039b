/**
 * Sandbox accounts: one per label auth method. Both carry an Okapi key, the second credential
 * the tracking host wants. Secrets use the gateway's credential field names.
 */
import type { SimAccount } from '../../../sandbox/kit/types.ts';

export const CONTRACT_ACCOUNT: SimAccount = {
  id: 'colissimo-contract',
  secrets: {
    contractNumber: '800001',
    password: 'sandbox-colissimo-password',
    okapiKey: 'sandbox-okapi-key-contract',
  },
};

export const API_KEY_ACCOUNT: SimAccount = {
  id: 'colissimo-apikey',
  secrets: { apiKey: 'sandbox-colissimo-api-key', okapiKey: 'sandbox-okapi-key-apikey' },
};

export const SANDBOX_ACCOUNTS: SimAccount[] = [CONTRACT_ACCOUNT, API_KEY_ACCOUNT];
