/**
 * What a carrier folder gives the contract suite (test/contract/), in `carriers/<id>/contract.ts`
 * (`export const contract: CarrierContract`): a sample label and rate its sandbox serves, where
 * its operations live on the wire, and edits that turn a real simulator answer into the shapes
 * the scenarios need (nulls in optional places, an unknown service, a label without its
 * document). The suite itself names no carrier: every registered carrier runs the same
 * scenarios and must classify them identically.
 */
import type { Address, LabelFormat, Parcel, RateRequest, ShipmentOptions } from '../domain/shipment.ts';

/** An HTTP answer as bytes, for edits. Header names are lower case. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type WireEdit = (answer: WireAnswer) => WireAnswer;

export interface WireOperation {
  method: 'GET' | 'POST';
  /** Matches the path the operation is served on (relative to the carrier's host). */
  path: RegExp;
  /** The simulator's endpoint name for fault injection ('rate', 'label'...). */
  fault: string;
}

/** A success answer of the carrier's own fixtures, replayed through its HTTP path by the property test. */
export interface SuccessFixture {
  /** The fixture's name, for reports. */
  name: string;
  operation: 'rate' | 'label' | 'track';
  /** The answer as the carrier sent it. */
  answer(): WireAnswer;
  /** The JSON document inside the answer (default: the body) and how to put it back. */
  json?: { read(answer: WireAnswer): Json; write(answer: WireAnswer, json: Json): WireAnswer };
  /** Account settings this answer belongs with (which rate API it answers, say). */
  settings?: Record<string, string>;
  /** For tracking answers: the number asked for. */
  trackingNumber?: string;
}

/** A JSON success answer from fixture bytes. */
export const jsonAnswer = (bytes: Uint8Array, contentType = 'application/json'): WireAnswer => ({
  status: 200,
  headers: { 'content-type': contentType },
  body: bytes,
});

export interface CarrierContract {
  /** A label the carrier's sandbox sells (service code, parties, parcels, format). */
  label: {
    service: string;
    shipper: Address;
    recipient: Address;
    parcels: Parcel[];
    format: LabelFormat;
    options?: ShipmentOptions;
  };
  /** A rate request, for carriers that quote on the wire (a rate table has nothing to test). */
  rate?: RateRequest;
  wire: { label: WireOperation; rate?: WireOperation; track?: WireOperation };
  /** Success answers of the carrier's fixtures, for the property test (nulls, unknown values). */
  fixtures: SuccessFixture[];
  edits: {
    /** Optional members of the answers set to null. */
    nulls: { label: WireEdit; rate?: WireEdit };
    /** One quoted service's code replaced by `code`, one the gateway does not know. */
    unknownService?: { edit: WireEdit; code: string };
    /** The label answer without its document (the shipment otherwise as answered). */
    withoutDocument: WireEdit;
  };
  /** Secret values the carrier refuses (merged over a working account's). */
  refusedSecrets: Record<string, string>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Reads and writes the JSON body of an answer. */
export const bodyJson = {
  read: (answer: WireAnswer): Json => JSON.parse(decoder.decode(answer.body)),
  write: (answer: WireAnswer, json: Json): WireAnswer => ({
    ...answer,
    body: encoder.encode(JSON.stringify(json)),
  }),
};

/** A parsed JSON answer, edited freely by a contract's edits. */
// biome-ignore lint/suspicious/noExplicitAny: edits reach into arbitrary carrier JSON
export type Json = any;

/** An edit of a JSON answer: `change` mutates the parsed body, which is written back. */
export function jsonEdit(change: (body: Json) => void): WireEdit {
  return (answer) => {
    const body = JSON.parse(decoder.decode(answer.body));
    change(body);
    return { ...answer, body: encoder.encode(JSON.stringify(body)) };
  };
}

/** Every item of an object-or-array value (carriers collapse one-item lists). */
export const each = (value: unknown): Json[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
