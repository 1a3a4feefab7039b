/**
 * Fleet-wide revocation: the instance that revokes writes the tombstones (the store side:
 * no refresh in flight can write over them), then announces the scope to every instance
 * (itself included), each of which forgets those tokens in memory at once and acknowledges.
 * The announcement resolves when every live instance acknowledged, or after `waitMs`.
 */
import { z } from 'zod';
import type { Membership } from '../control/members.ts';
import type { ControlPlane } from '../control/types.ts';
import type { AccountScope } from './broker.ts';

const REVOKE_TOPIC = 'revocations';
const ACK_TOPIC = 'revocation-acks';

const Scope = z.object({ carrier: z.string().optional(), account: z.string().optional() });
const Announcement = z.object({ id: z.string(), from: z.string(), scope: Scope });
const Ack = z.object({ id: z.string(), instance: z.string() });

export interface RevocationAck {
  instance: string;
  /** Milliseconds from the announcement to this instance's acknowledgement. */
  ms: number;
}

export interface AnnounceReport {
  /** Live instances when the announcement went out. */
  instances: string[];
  acknowledged: RevocationAck[];
  durationMs: number;
}

export interface Revocations {
  announce(scope: AccountScope): Promise<AnnounceReport>;
  stop(): void;
}

export interface RevocationDeps {
  control: ControlPlane;
  members: Membership;
  /** Drops the scope's tokens from this instance's memory. */
  forget(scope: AccountScope): void;
  now: () => number;
  /** How long an announcement waits for acknowledgements (default 2 s). */
  waitMs?: number;
}

export function createRevocations(deps: RevocationDeps): Revocations {
  const { control, now } = deps;
  const waiting = new Map<string, (ack: string) => void>();

  const stopAnnouncements = control.broadcast.subscribe(REVOKE_TOPIC, (raw) => {
    const message = Announcement.safeParse(raw);
    if (!message.success) return;
    const { carrier, account } = message.data.scope;
    deps.forget({ carrier, account });
    // Returned: a broadcast that can wait for the acknowledgement to leave (Workers) does.
    return control.broadcast
      .publish(ACK_TOPIC, { id: message.data.id, instance: control.instanceId })
      .catch(() => undefined);
  });
  const stopAcks = control.broadcast.subscribe(ACK_TOPIC, (raw) => {
    const ack = Ack.safeParse(raw);
    if (ack.success) waiting.get(ack.data.id)?.(ack.data.instance);
  });

  return {
    async announce(scope) {
      const started = now();
      const id = crypto.randomUUID();
      // This instance forgets at once, whatever the broadcast does.
      deps.forget(scope);
      await deps.members.beat();
      const instances = await deps.members.live().catch(() => [control.instanceId]);
      const acknowledged: RevocationAck[] = [];
      const waitMs = deps.waitMs ?? 2_000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          waiting.delete(id);
          resolve();
        }
        waiting.set(id, (instance) => {
          if (acknowledged.some((a) => a.instance === instance)) return;
          acknowledged.push({ instance, ms: Math.max(0, now() - started) });
          if (instances.every((i) => acknowledged.some((a) => a.instance === i))) done();
        });
        control.broadcast
          .publish(REVOKE_TOPIC, { id, from: control.instanceId, scope: { ...scope } })
          .catch(() => done());
      });
      return { instances, acknowledged, durationMs: Math.max(0, now() - started) };
    },
    stop() {
      stopAnnouncements();
      stopAcks();
    },
  };
}
