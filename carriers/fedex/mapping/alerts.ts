/**
 * FedEx reports non-fatal problems with HTTP 200 in `output.alerts` (alertType NOTE or
 * WARNING). They become `warnings` on the rate or label, never failures.
 */
import type { FedexAlert } from './wire.ts';

export function alertWarnings(...lists: (readonly FedexAlert[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const list of lists) {
    for (const alert of list ?? []) {
      const text = [alert.code, alert.message].filter((s) => s !== undefined && s !== '').join(': ');
      if (text !== '' && !out.includes(text)) out.push(text);
    }
  }
  return out;
}
