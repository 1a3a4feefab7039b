/**
 * A label without its document: what is kept of an answer where the whole one cannot be (a
 * store that lost it, a memory bound). Enough to answer a repeat with the label that was
 * bought, never to buy it again; its document is to be reprinted with the carrier.
 */
import type { Label } from '../domain/shipment.ts';

export function compactLabel(label: Label): Label {
  return {
    ...label,
    data: undefined,
    missingDocument: {
      reason: 'missing',
      detail: 'the gateway no longer holds this label document: reprint it with the carrier',
    },
  } as Label;
}
