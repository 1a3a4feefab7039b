/**
 * Label safety under load: 200 concurrent label requests while UPS's ship call often times
 * out AFTER UPS processed it (the label exists, the answer never comes: 32 of them). A timed-out purchase
 * is ambiguous, so it must be answered `label-outcome-unknown` and never bought again from the
 * fallback; the simulators' label books prove no reference was bought twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/domain/shipment.ts';
import { MAX_CONNECTIONS_PER_ORIGIN } from '../../src/runtime/node/upstream-transport.ts';
import { type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';
import { AMPLE_BUDGET, labelBody, policyWith } from './support.ts';

const REQUESTS = 200;
const HUNG = MAX_CONNECTIONS_PER_ORIGIN / 2;

interface Problem {
  type: string;
  status: number;
  carrier?: string;
  account?: string;
  reference?: string;
  routing?: Label['routing'];
}

describe('200 concurrent labels while the primary ship call hangs after processing', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({
      carriers: ['ups', 'fedex'],
      fallbacks: { ups: ['fedex'] },
      // Hung purchases are cut off by the total timeout, which applies to FedEx too: it must
      // outlast the burst of 200 failovers on a loaded machine (1 s cut off FedEx labels as well).
      policy: policyWith({ timeouts: { totalMs: 10_000 } }),
      budget: AMPLE_BUDGET,
    });
  });
  afterAll(() => h.close());

  it('buys no label twice; every request gets a label (201) or label-outcome-unknown (502)', {
    timeout: 90_000,
  }, async () => {
    await h.control.injectFault({
      carrier: 'ups',
      target: 'api',
      endpoint: 'label',
      kind: 'hang_after_processing',
      // Half the gateway's connections to the carrier host hang: a purchase still queued for a
      // connection when its timeout fires was never sent, yet cannot be told from a hung one.
      count: HUNG,
    });
    const references = Array.from({ length: REQUESTS }, (_, i) => `safety-${i}`);
    const answers = await Promise.all(
      references.map((reference) =>
        h.request<Label | Problem>('POST', '/v1/labels', labelBody(reference), {
          'idempotency-key': `safety-key-${reference}-${crypto.randomUUID()}`,
        }),
      ),
    );
    const ups = await h.control.stats('ups');
    const fedex = await h.control.stats('fedex');
    const booked = (ref: string) => ({
      ups: ups.labelsByReference[ref] ?? 0,
      fedex: fedex.labelsByReference[ref] ?? 0,
    });

    let bought = 0;
    let unknown = 0;
    for (const [i, answer] of answers.entries()) {
      const reference = references[i] ?? '';
      const { ups: atUps, fedex: atFedex } = booked(reference);
      // Zero labels bought twice, anywhere.
      expect(atUps + atFedex, reference).toBeLessThanOrEqual(1);
      if (answer.status === 201) {
        bought += 1;
        const label = answer.body as Label;
        expect(label.reference).toBe(reference);
        expect(booked(reference)[label.carrier as 'ups' | 'fedex']).toBe(1);
        expect(label.routing.servedBy).toBe(label.carrier);
      } else {
        unknown += 1;
        expect(answer.status, JSON.stringify(answer.body)).toBe(502);
        const problem = answer.body as Problem;
        expect(problem.type).toBe('/problems/label-outcome-unknown');
        expect(problem).toMatchObject({ carrier: 'ups', account: 'ups-sandbox', reference });
        expect(problem.routing?.attempts.at(-1)).toMatchObject({ carrier: 'ups', outcome: 'failed' });
        // The ambiguity was real (UPS did create it) and nothing was bought from FedEx.
        expect(atUps).toBe(1);
        expect(atFedex).toBe(0);
      }
    }
    expect(bought + unknown).toBe(REQUESTS);
    expect(unknown).toBeGreaterThan(0);
    const sameRefTwice = [ups.labelsByReference, fedex.labelsByReference].flatMap((book) =>
      Object.entries(book).filter(([, n]) => n > 1),
    );
    expect(sameRefTwice).toEqual([]);
  });
});
