/**
 * The few Workers runtime shapes the gateway uses, declared structurally so the core's
 * type-check needs no Workers-only global types (and cannot pick one up by accident).
 */
import type { DurableObjectKv } from '../../store/durable-object.ts';

export type DurableObjectId = object;

export interface DurableObjectStub {
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub;
}

export interface DurableObjectStorage extends DurableObjectKv {
  deleteAll(): Promise<void>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export interface DurableObjectState {
  readonly storage: DurableObjectStorage;
}
