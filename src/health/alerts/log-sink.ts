/** The log sink: one structured line per notification (warn when firing, info when resolved). */
import type { Logger } from '../../log/logger.ts';
import type { Alert, AlertSink } from './types.ts';

export function createLogSink(logger: Logger): AlertSink {
  return {
    name: 'log',
    send(alert: Alert) {
      const fields = {
        alertId: alert.id,
        rule: alert.rule,
        severity: alert.severity,
        carrier: alert.carrier,
        account: alert.account,
        subject: alert.subject,
        value: alert.value,
        threshold: alert.threshold,
        triage: alert.triage?.classification,
        action: alert.triage?.runbook.kind,
      };
      if (alert.status === 'firing') logger.warn(`alert firing: ${alert.summary}`, fields);
      else logger.info(`alert resolved: ${alert.summary}`, fields);
    },
  };
}
