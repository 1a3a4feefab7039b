/**
 * The interface between the gateway core and a carrier folder. `src/` knows carriers only
 * through this and the registry in carriers/index.ts. Everything here is Web-standard.
 */
import type { CarrierAuthProfile } from '../auth/profile.ts';
import type { FailureClass } from '../domain/failure.ts';
import type {
  Address,
  LabelFormat,
  Money,
  Parcel,
  RateRequest,
  ServiceLevel,
  ServiceRef,
  ShipmentOptions,
  Tracking,
} from '../domain/shipment.ts';
import type { HeaderLookup } from '../upstream/transport.ts';

export type { HeaderLookup } from '../upstream/transport.ts';

export type Environment = 'sandbox' | 'production';

export interface ServiceDefinition {
  code: string;
  name: string;
  level: ServiceLevel;
  /** Which routes it serves. */
  scope: 'domestic' | 'international' | 'both';
  /** Typical transit days, for answers that lack them. */
  transitDays?: number;
}

export interface CarrierLimits {
  /** Token calls an hour the carrier allows per account (some allow only about 60). */
  tokenCallsPerHour?: number;
  requestsPerSecond?: number;
}

/** One outbound call, described by the mapping; the gateway adds host, auth, timeouts, tracing. */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /**
   * An absolute URL the carrier gave (a label document link), used instead of host and path.
   * Only URLs under one of the account's hosts are fetched: a link elsewhere is refused.
   */
  url?: string;
  /** Which host of the profile (default 'default'). */
  host?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /**
   * Which credential to attach: 'primary' (default) for the account's auth method, a
   * derived token name (e.g. 'payment'), or false for none.
   */
  auth?: string | false;
  /** What the call is for: decides label safety (a 'label' call is never retried blindly). */
  operation: 'rate' | 'label' | 'track' | 'probe';
}

export interface UpstreamResponse {
  status: number;
  /** Read-only, names case-insensitive (a plain record underneath on Node, not a Web `Headers`). */
  headers: HeaderLookup;
  /** Body bytes, already decompressed. */
  body: Uint8Array;
  text(): string;
  /** Parsed JSON, or undefined if the body is not valid JSON. */
  json(): unknown;
}

/** What a carrier's error decoder extracts from an error answer. */
export interface DecodedError {
  failureClass: FailureClass;
  /** The carrier's own code (e.g. '250002', 'NOT.AUTHORIZED.ERROR'). */
  code: string;
  message: string;
  /** True when this answer means the credentials were refused (counts for the auth breaker). */
  auth?: boolean;
  retryAfterMs?: number;
}

/** What an account looks like to a mapping: never a secret unless asked by name. */
export interface AccountView {
  id: string;
  environment: Environment;
  /** Non-secret carrier settings (account number, customer number, ...). */
  settings: Readonly<Record<string, string>>;
}

/** Given to every mapping call: the account and a way to talk to the carrier. */
export interface CarrierContext {
  readonly carrier: string;
  readonly account: AccountView;
  /**
   * Sends one request with credentials attached, timeouts, tracing and the shared
   * use-time 401 refresh. Answers with status < 400 are returned (including 207 and
   * 200-with-warnings); error answers are decoded by the carrier's decodeError and
   * thrown as a classified CarrierError.
   */
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** A secret the mapping must place in a body itself (body_credentials carriers). */
  secret(field: string): string;
  /** Abort signal of the caller's request. */
  readonly signal?: AbortSignal | undefined;
}

export interface Route {
  from: string;
  to: string;
}

export interface CarrierRate {
  service: ServiceRef;
  total: Money;
  breakdown?: { label: string; amount: Money }[];
  estimatedDays?: number;
  warnings?: string[];
}

export interface CarrierLabelRequest {
  /** The carrier's service code, already resolved from a service or a unified level. */
  service: ServiceDefinition;
  shipper: Address;
  recipient: Address;
  parcels: Parcel[];
  format: LabelFormat;
  reference?: string;
  shipDate?: string;
  options?: ShipmentOptions;
}

/** Why a bought label comes without its document (the shipment exists all the same). */
export interface MissingDocument {
  /** missing: the carrier sent none; unreadable: what it sent is not a document; not_fetched: a URL that could not be fetched. */
  reason: 'missing' | 'unreadable' | 'not_fetched';
  detail: string;
  /** Where the carrier says the document can be fetched, when it gave a URL. */
  url?: string;
}

/**
 * A label the carrier created. Once a carrier may have created a shipment, the answer says
 * what is known: the tracking number always, the price when given, and the document, or why
 * it is missing. A 2xx answer without even a tracking number is `label-outcome-unknown`
 * (an ambiguous CarrierError), never a failure that would allow buying elsewhere.
 */
export interface CarrierLabel {
  trackingNumber: string;
  /** The format of the document as the carrier returned it (not necessarily the one asked for). */
  format: LabelFormat;
  /** The document bytes (the gateway base64-encodes them); absent when `missingDocument` says why. */
  document?: Uint8Array;
  mediaType?: string;
  missingDocument?: MissingDocument;
  price?: Money;
  warnings?: string[];
}

export interface CarrierDefinition {
  /** Registry id: lower case letters, digits and dashes. */
  id: string;
  displayName: string;
  /** Base URLs per host name ('default' is required) and environment. */
  hosts: Record<string, Record<Environment, string>>;
  auth: CarrierAuthProfile;
  /** Non-secret account settings this carrier requires (e.g. accountNumber). */
  requiredSettings: readonly string[];
  services: readonly ServiceDefinition[];
  /**
   * The services on one route, when a code's meaning depends on it (UPS publishes one table
   * per origin). Without it, `services` filtered by scope is used.
   */
  servicesFor?(route: Route): readonly ServiceDefinition[];
  labelFormats: readonly LabelFormat[];
  limits: CarrierLimits;
  /** live: the carrier quotes rates; table: a dated rate table in the profile. */
  rateSource: 'live' | 'table';
  /** Whether it ships from→to at all (ISO alpha-2). */
  servesRoute(route: Route): boolean;
  rate(ctx: CarrierContext, req: RateRequest): Promise<CarrierRate[]>;
  createLabel(ctx: CarrierContext, req: CarrierLabelRequest): Promise<CarrierLabel>;
  track(ctx: CarrierContext, trackingNumber: string): Promise<Tracking>;
  /** Decodes an API error answer (status >= 400) into a unified message and class. */
  decodeError(res: UpstreamResponse): DecodedError;
  /** A light authenticated call used by synthetic probes. */
  probe?(ctx: CarrierContext): Promise<void>;
}
