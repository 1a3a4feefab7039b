/**
 * The problem type catalog (RFC 9457): the one table every error answer, the OpenAPI
 * document, the /problems/<name> pages and docs/errors.md are built from.
 */
export interface ProblemDefinition {
  /** Short name; the type URI is `/problems/<name>`. */
  name: string;
  title: string;
  status: number;
  /** When the gateway answers with it. */
  when: string;
  /** Extension members the answer carries besides type, title, status, detail. */
  members: readonly string[];
  /**
   * Set when only the routes under this path answer it (the connect flow): the OpenAPI
   * responses of other routes then leave it out.
   */
  routes?: string;
}

export const PROBLEM_TABLE = [
  {
    name: 'validation',
    title: 'Invalid request',
    status: 400,
    when: 'The body, a path parameter or a required header (Idempotency-Key) does not match the schema. `errors` lists every field issue.',
    members: ['errors'],
  },
  {
    name: 'malformed-json',
    title: 'Malformed JSON',
    status: 400,
    when: 'The body is empty or is not valid JSON.',
    members: [],
  },
  {
    name: 'unauthorized',
    title: 'Unauthorized',
    status: 401,
    when: 'No `Authorization: Bearer <key>` header, or the key is not a configured key. The answer carries `WWW-Authenticate: Bearer`.',
    members: [],
  },
  {
    name: 'forbidden',
    title: 'Forbidden',
    status: 403,
    when: 'A valid caller key was used on an admin route (`/admin/*`), which only admin keys may call.',
    members: [],
  },
  {
    name: 'not-found',
    title: 'Not found',
    status: 404,
    when: 'No such route, or the request names a carrier, account or shipment the gateway does not have.',
    members: ['field'],
  },
  {
    name: 'method-not-allowed',
    title: 'Method not allowed',
    status: 405,
    when: 'The route exists but not for this HTTP method. The `Allow` header lists the methods it accepts.',
    members: [],
  },
  {
    name: 'payload-too-large',
    title: 'Payload too large',
    status: 413,
    when: 'The body is larger than the configured limit (`server.bodyLimitBytes`, 256 KiB by default). It is refused before it is parsed.',
    members: [],
  },
  {
    name: 'unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
    when: 'A request body that is not `application/json` (or `application/*+json`), or declares a charset other than UTF-8.',
    members: [],
  },
  {
    name: 'idempotency-conflict',
    title: 'Idempotency key reused',
    status: 422,
    when: 'The Idempotency-Key was first used with a different request body. Use a new key for a new label.',
    members: [],
  },
  {
    name: 'idempotency-in-progress',
    title: 'Idempotency key in use',
    status: 409,
    when: 'The first request with this Idempotency-Key is still being served (possibly by another gateway instance) and did not finish while this one waited. Retry after `Retry-After` with the same key and body: it then gets the first answer.',
    members: [],
  },
  {
    name: 'idempotency-unavailable',
    title: 'Idempotency unavailable',
    status: 503,
    when: 'The shared store that keeps Idempotency-Keys across gateway instances is unreachable, so the label was not bought (it could otherwise be bought twice). Retry after `Retry-After` with the same key and body.',
    members: [],
  },
  {
    name: 'unprocessable',
    title: 'Request cannot be served',
    status: 422,
    when: 'The request is valid but cannot be served as asked (a service or label format the carrier does not offer).',
    members: ['errors'],
  },
  {
    name: 'carrier-rejected',
    title: 'Carrier rejected the request',
    status: 422,
    when: 'The carrier explicitly refused the request content (failure class `rejected`): fix the request, do not retry as is.',
    members: ['carrier', 'account', 'class', 'code'],
  },
  {
    name: 'carrier-unavailable',
    title: 'Carrier unavailable',
    status: 502,
    when: 'The carrier answered 5xx, timed out, refused the connection, or its breaker is open (failure class `unavailable`).',
    members: ['carrier', 'account', 'class', 'code'],
  },
  {
    name: 'carrier-malformed-response',
    title: 'Carrier answered with something unusable',
    status: 502,
    when: 'The carrier answered with an unparseable body or an error disguised as success (failure class `malformed`).',
    members: ['carrier', 'account', 'class', 'code'],
  },
  {
    name: 'carrier-auth-failed',
    title: 'Carrier authentication failed',
    status: 502,
    when: 'The gateway could not authenticate to the carrier: credentials revoked or misconfigured, or a token refresh failed (failure classes `revoked`, `misconfigured`, `token_expired`, `refresh_race`). An operator must act for the first two.',
    members: ['carrier', 'account', 'class', 'code'],
  },
  {
    name: 'carrier-throttled',
    title: 'Carrier throttled the gateway',
    status: 503,
    when: 'The carrier rate-limited the gateway (failure class `throttled`). `Retry-After` says when to try again when the carrier said so.',
    members: ['carrier', 'account', 'class', 'code'],
  },
  {
    name: 'all-carriers-unavailable',
    title: 'No carrier could serve the request',
    status: 503,
    when: 'Every carrier that could serve the request failed, none serves the route, or the failover budget is spent. `messages` says why for each; `Retry-After` is set when known.',
    members: ['messages', 'routing'],
  },
  {
    name: 'label-outcome-unknown',
    title: 'Label outcome unknown',
    status: 502,
    when: 'A label request may have reached the carrier but no answer came back (timeout after sending). It was NOT retried elsewhere to avoid buying twice: check with the carrier using `reference` before retrying.',
    members: ['carrier', 'account', 'reference', 'routing'],
  },
  {
    name: 'connect-unsupported',
    title: 'Connect not supported',
    status: 409,
    when: 'The account named in a `/v1/connect/...` route does not use the authorization-code method, or its client id or the carrier authorize URL is not configured.',
    members: ['carrier'],
    routes: '/v1/connect',
  },
  {
    name: 'connect-state-invalid',
    title: 'Invalid connect state',
    status: 400,
    when: 'The connect callback carries no state, an unknown, expired or already used state, a state issued for another account, or no authorization code. Start again from `/authorize`.',
    members: [],
    routes: '/v1/connect',
  },
  {
    name: 'connect-denied',
    title: 'Authorization refused by the carrier',
    status: 400,
    when: 'The carrier redirected back with an OAuth `error` (the operator declined, or the carrier refused the client or the scope). Nothing was stored.',
    members: ['carrier'],
    routes: '/v1/connect',
  },
  {
    name: 'connect-exchange-failed',
    title: 'Authorization code exchange failed',
    status: 502,
    when: 'The carrier issued no tokens for the authorization code; `class` says why (`revoked` for a spent or unknown code, `misconfigured` for a refused client, `unavailable` for an outage). Nothing was stored: start again.',
    members: ['carrier', 'class'],
    routes: '/v1/connect',
  },
  {
    name: 'connect-store-failed',
    title: 'Tokens could not be stored',
    status: 503,
    when: 'The carrier issued tokens but the token store refused to save them (`class` `unavailable`). The authorization code is spent: start again once the store is back.',
    members: ['carrier', 'class'],
    routes: '/v1/connect',
  },
  {
    name: 'internal',
    title: 'Internal error',
    status: 500,
    when: 'A bug in the gateway. `instance` is a correlation id (`urn:uuid:...`) that is logged with the error; quote it when reporting.',
    members: ['instance'],
  },
] as const satisfies readonly ProblemDefinition[];

export type ProblemName = (typeof PROBLEM_TABLE)[number]['name'];

export const problemTypeUri = (name: ProblemName): string => `/problems/${name}`;

export const PROBLEM_TYPE_URIS = PROBLEM_TABLE.map((p) => problemTypeUri(p.name)) as [string, ...string[]];

const BY_NAME = new Map<string, ProblemDefinition>(PROBLEM_TABLE.map((p) => [p.name, p]));

export const problemDefinition = (name: ProblemName): ProblemDefinition => BY_NAME.get(name)!;

export const findProblem = (name: string): ProblemDefinition | undefined => BY_NAME.get(name);
