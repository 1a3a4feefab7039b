/**
 * Types of the sandbox simulator kit. Carrier simulators (carriers/<id>/simulator/) and the
 * generic OAuth server are written against these; see README.md beside this file.
 * Change only additively.
 */
import type { Context, Hono } from 'hono';
import type { TrackingStatus } from '../../src/domain/shipment.ts';

// ---------------------------------------------------------------- accounts

/**
 * One simulated account. `secrets` uses the gateway's credential field names (clientId,
 * clientSecret, username, password, apiKey, contractNumber, ...) so the same object
 * configures the gateway's sandbox account.
 */
export interface SimAccount {
  id: string;
  secrets: Record<string, string>;
  /** Non-secret settings (accountNumber, customerNumber, allowedScopes, ...). */
  settings?: Record<string, string>;
}

export interface AccountBook {
  get(id: string): SimAccount | undefined;
  /** Same as bySecret('clientId', clientId). */
  byClientId(clientId: string): SimAccount | undefined;
  /** The account whose `secrets[field] === value` (exact match). */
  bySecret(field: string, value: string): SimAccount | undefined;
  /** Adds or replaces (by id) an account. */
  register(account: SimAccount): void;
  all(): SimAccount[];
}

// ---------------------------------------------------------------- faults

export type FaultTarget = 'token' | 'api';

export const TOKEN_FAULT_KINDS = [
  'error_body_200',
  'invalid_grant',
  'invalid_client',
  'invalid_scope',
  'unsupported_grant_type',
  'throttled',
  'server_error',
  'html_error',
  'malformed_json',
  'json_as_text',
  'no_access_token',
  'missing_expires_in',
  'expires_in_string',
  'expires_in_zero',
  'short_lifetime',
  'slow',
  'hang',
] as const;

export const API_FAULT_KINDS = [
  'unauthorized',
  'throttled',
  'server_error',
  'html_error',
  'malformed_json',
  'slow',
  'hang',
  'hang_after_processing',
  'reset_after_processing',
  'reset_before_processing',
] as const;

export type TokenFaultKind = (typeof TOKEN_FAULT_KINDS)[number];
export type ApiFaultKind = (typeof API_FAULT_KINDS)[number];
export type FaultKind = TokenFaultKind | ApiFaultKind;

/**
 * Token-target kinds that do not replace the answer: the carrier's token route issues the
 * token and shapes its success body with `shapeTokenBody` / `issueOptionsFor` (see README).
 */
export const TOKEN_PAYLOAD_FAULT_KINDS = [
  'no_access_token',
  'missing_expires_in',
  'expires_in_string',
  'expires_in_zero',
  'short_lifetime',
] as const;
export type TokenPayloadFaultKind = (typeof TOKEN_PAYLOAD_FAULT_KINDS)[number];

export interface FaultParams {
  /** throttled: seconds for Retry-After (default 30). */
  retryAfter?: number;
  /** throttled: how Retry-After is written (default 'seconds'). */
  retryAfterFormat?: 'seconds' | 'date' | 'none';
  /** server_error (default 503) and html_error (default 503): the HTTP status. */
  status?: number;
  /** slow: delay before the normal answer (default 1000 ms). */
  delayMs?: number;
  /** short_lifetime: the token really dies after this many seconds (default 1). */
  lifetimeSeconds?: number;
  /** Free text a renderer may put in its error message. */
  message?: string;
  /** Carrier-specific extras (strings, numbers, booleans only). */
  [key: string]: string | number | boolean | undefined;
}

/** What a test sends to inject a fault (POST /_control/faults). */
export interface FaultSpec {
  carrier: string;
  /** Restricts to one account id; omitted = every account. */
  account?: string;
  target: FaultTarget;
  /** Restricts to one endpoint name ('token', 'refresh', 'label', 'rate', 'track', 'payment', ...). */
  endpoint?: string;
  kind: FaultKind;
  /** Chance of firing on each matching call, 0..1 (default 1). */
  probability?: number;
  /** Fires at most this many times, then disappears. */
  count?: number;
  /** Disappears this long after injection. */
  durationMs?: number;
  params?: FaultParams;
}

export interface Fault extends FaultSpec {
  id: string;
  probability: number;
  /** clock() at injection. */
  createdAt: number;
  /** How many times it has fired. */
  fired: number;
}

export interface FaultQuery {
  /** The account the call is for, when known; a fault with an account only matches it. */
  account?: string | undefined;
  target: FaultTarget;
  /** The endpoint being served; a fault with an endpoint only matches the same name. */
  endpoint?: string | undefined;
}

export interface FaultBook {
  /**
   * The first matching live fault, after applying its probability; counts the firing
   * (and removes it when its count is spent). Undefined = no fault this time.
   */
  take(query: FaultQuery): Fault | undefined;
  add(spec: Omit<FaultSpec, 'carrier'>): Fault;
  list(): Fault[];
  clear(): void;
}

// ---------------------------------------------------------------- stats

/** One token-endpoint call as seen on the wire (secrets removed), for request-correctness tests. */
export interface TokenRequestRecord {
  account: string;
  grant: string;
  /** Request parameters other than secrets (scope, audience, redirect_uri, ...). */
  params: Record<string, string>;
  at: number;
}

export interface CarrierStatsSnapshot {
  tokenCalls: Record<string, number>;
  tokenCallsByGrant: Record<string, Record<string, number>>;
  maxConcurrentTokenCalls: Record<string, number>;
  refreshTokenReuse: Record<string, number>;
  /** endpoint -> HTTP status -> count. */
  apiCalls: Record<string, Record<string, number>>;
  labelsCreated: number;
  labelsByReference: Record<string, number>;
  /** The last 1,000 token calls, oldest first. */
  tokenRequests: TokenRequestRecord[];
}

export interface SimStats {
  /**
   * Counts one token call for the account (use '(unknown)' when the client is unknown)
   * and tracks concurrency until the returned done() is called (idempotent).
   */
  tokenCall(accountId: string, grant: string, params?: Record<string, string>): () => void;
  /** Counts a reuse of a spent refresh token (TokenAuthority.refresh does it for you). */
  refreshReuse(accountId: string): void;
  /** Counts one API answer (apiGuard does it for you). */
  apiCall(endpoint: string, status: number): void;
  /** Counts one label (LabelBook.create does it for you). */
  labelCreated(reference?: string): void;
  snapshot(): CarrierStatsSnapshot;
  reset(): void;
}

// ---------------------------------------------------------------- tokens and modes

export interface AccountMode {
  /** Every refresh issues a new refresh token; reusing a spent one revokes the whole family. */
  strictRotation: boolean;
  /** Every refresh issues a new refresh token, and the old one stays valid (lenient rotation). */
  rotateRefreshTokens: boolean;
  /** Overrides the lifetime the carrier asks for when issuing access tokens. */
  tokenLifetimeSeconds?: number;
}

export interface ModeBook {
  /** The account's mode: its own settings over the carrier-wide ones over the defaults (all false). */
  get(accountId: string): AccountMode;
  /** Sets the mode of one account, or carrier-wide when accountId is undefined. */
  set(accountId: string | undefined, patch: Partial<AccountMode>): void;
  reset(): void;
}

export interface IssueOptions {
  /** Space-separated scope granted (default ''). */
  scope?: string;
  withRefresh?: boolean;
  /** Claimed lifetime, the `expires_in` (default 3600; the account mode may override it). */
  lifetimeSeconds?: number;
  /** Lifetime of the refresh token (default 30 days). */
  refreshLifetimeSeconds?: number;
  /** Refresh family to join (default: a new family). */
  family?: string;
  /** The token really dies after this many seconds while expires_in claims the normal lifetime. */
  actualLifetimeSeconds?: number;
  /** 'opaque' random string (default) or a JWT (HS256-signed with a per-process key). */
  format?: 'opaque' | 'jwt';
  /** Extra JWT claims (format 'jwt' only). */
  claims?: Record<string, unknown>;
  /** A token kind other than 'access' (e.g. 'payment' for derived tokens); verify() reports it. */
  kind?: string;
}

export interface IssuedToken {
  accessToken: string;
  refreshToken?: string;
  /** The claimed lifetime in seconds (what `expires_in` should say). */
  expiresIn: number;
  scope: string;
  /** clock() at issue, in milliseconds. */
  issuedAt: number;
  family: string;
}

export type VerifyResult =
  | { ok: true; account: SimAccount; scope: string; kind: string; family: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

export type RefreshResult =
  | { ok: true; account: SimAccount; token: IssuedToken }
  | { ok: false; reason: 'unknown' | 'reused' | 'revoked' | 'expired' };

export interface CodeOptions {
  codeChallenge?: string;
  /** 'S256' or 'plain' (default 'plain' when a challenge is given, as RFC 7636 says). */
  codeChallengeMethod?: string;
  redirectUri?: string;
  scope?: string;
}

export type RedeemResult =
  | { ok: true; account: SimAccount; scope: string }
  | {
      ok: false;
      reason: 'unknown' | 'used' | 'expired' | 'pkce_missing' | 'pkce_mismatch' | 'redirect_mismatch';
    };

export interface TokenAuthority {
  issue(account: SimAccount, options?: IssueOptions): IssuedToken;
  verify(accessToken: string): VerifyResult;
  /**
   * Redeems a refresh token according to the account's mode. Issue options (lifetime,
   * format...) apply to the new access token; scope defaults to the original scope.
   */
  refresh(refreshToken: string, options?: Omit<IssueOptions, 'family' | 'withRefresh'>): RefreshResult;
  /** A one-time authorization code (valid 10 minutes). */
  createCode(account: SimAccount, options: CodeOptions): string;
  /** Checks the code once: RFC 7636 S256/plain verifier and the redirect_uri. */
  redeemCode(input: { code: string; codeVerifier?: string; redirectUri?: string }): RedeemResult;
  /** Revokes one token (access or refresh); true when it existed. */
  revoke(token: string): boolean;
  /** Kills every token (and code) of one account, or of every account. */
  revokeAll(accountId?: string): void;
  /** Forgets everything (control reset). */
  reset(): void;
}

// ---------------------------------------------------------------- labels

export interface LabelInput {
  accountId: string;
  /** Uses this tracking number instead of generating one. */
  trackingNumber?: string;
  /** The customer reference: labelsByReference counts per reference. */
  reference?: string;
  service: string;
  format: string;
  meta?: Record<string, unknown>;
}

export interface LabelRecord {
  trackingNumber: string;
  accountId: string;
  reference?: string;
  service: string;
  format: string;
  createdAt: number;
  meta: Record<string, unknown>;
}

/** Compatible with the unified TrackingEvent (src/domain/shipment.ts). */
export interface SimTrackingEvent {
  at: string;
  status: TrackingStatus;
  code: string;
  description: string;
  location?: { city?: string; postalCode?: string; countryCode?: string };
}

/** Makes the n-th tracking number (n starts at 1) for a carrier. */
export type TrackingNumberGenerator = (sequence: number, input: LabelInput) => string;

export interface LabelBook {
  create(input: LabelInput): LabelRecord;
  find(trackingNumber: string): LabelRecord | undefined;
  all(): LabelRecord[];
  /** Deterministic synthetic history based on time since creation; undefined if unknown. */
  events(trackingNumber: string): SimTrackingEvent[] | undefined;
  /** Replaces the default generator (carrier-looking numbers). */
  useGenerator(generator: TrackingNumberGenerator): void;
  reset(): void;
}

// ---------------------------------------------------------------- documents

export interface DocumentKit {
  /** A valid PDF 1.4 whose text layer holds the lines. */
  pdf(lines: string[]): Uint8Array;
  /** A ^XA...^XZ ZPL label with one ^FD field per line and a barcode of the first line. */
  zpl(lines: string[]): string;
  /** A valid PNG (grayscale) with the lines in a 5x7 bitmap font and barcode-like bars. */
  png(lines: string[]): Uint8Array;
  /** A valid GIF89a with the lines in a 5x7 bitmap font and barcode-like bars. */
  gif(lines: string[]): Uint8Array;
  /** One of the above by unified format name (PDF, ZPL, PNG, GIF), with its media type. */
  render(format: string, lines: string[]): { bytes: Uint8Array; mediaType: string };
}

// ---------------------------------------------------------------- the context

export interface SimContext {
  readonly carrier: string;
  readonly accounts: AccountBook;
  readonly faults: FaultBook;
  readonly stats: SimStats;
  readonly modes: ModeBook;
  readonly tokens: TokenAuthority;
  readonly labels: LabelBook;
  readonly documents: DocumentKit;
  /** Milliseconds since the epoch (Date.now by default). */
  clock(): number;
  /** Resolves after ms, or rejects when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Random number in [0, 1) (probability of faults). */
  random(): number;
}

/** What each carrier exports as `createSimulator` from carriers/<id>/simulator/index.ts. */
// biome-ignore lint/suspicious/noExplicitAny: carriers may type their Hono env as they like.
export type SimulatorFactory = (sim: SimContext) => { app: Hono<any>; sandboxAccounts: SimAccount[] };

// ---------------------------------------------------------------- HTTP helpers

export type TokenErrorKind =
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'invalid_request'
  | 'throttled'
  | 'server_error'
  | 'error_body_200';

export interface ErrorRenderOptions {
  /** throttled: the delay in seconds (undefined when the header is left out). */
  retryAfterSeconds?: number;
  /** throttled: the exact Retry-After header value to send (seconds or HTTP-date); undefined = none. */
  retryAfterHeader?: string;
  /** server_error: the status to answer with (default 503). */
  status?: number;
  /** Free text from the fault's params.message. */
  message?: string;
}

/** Each carrier renders auth errors in its own wire shape. */
export interface AuthErrorRenderer {
  /** A token-endpoint error (error_body_200 must answer HTTP 200 with an error body). */
  token(kind: TokenErrorKind, options?: ErrorRenderOptions): Response;
  /** API 401 (missing, unknown, expired or revoked credentials). */
  unauthorized(): Response;
  /** API 429. */
  throttled(retryAfter: ErrorRenderOptions): Response;
  /** API 5xx. */
  serverError(status: number): Response;
}

/** How apiGuard authenticates a call: bearer token (default), none, or a custom check. */
export type ApiAuthCheck = (
  // biome-ignore lint/suspicious/noExplicitAny: any Hono env.
  c: Context<any>,
  sim: SimContext,
) => SimAccount | undefined | Promise<SimAccount | undefined>;

export interface ApiGuardOptions {
  /** Endpoint name for faults and stats ('rate', 'label', 'track', ...). */
  endpoint: string;
  auth?: 'bearer' | 'none' | ApiAuthCheck;
  /** With 'bearer': the token kind required (default 'access'). */
  tokenKind?: string;
}

export interface TokenFaultResult {
  /** Answer with this instead of serving (an error, or nothing ever for hang). */
  response?: Response;
  /** A payload fault the route applies to its success answer (see shapeTokenBody, issueOptionsFor). */
  payload?: Fault;
}
