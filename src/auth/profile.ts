/**
 * How a carrier authenticates, declared by its profile. The broker turns these into
 * strategies; the profile never implements HTTP itself, it only describes the wire.
 */
import type { FailureClass } from '../domain/failure.ts';
import type { HeaderLookup } from '../upstream/transport.ts';

/** How an OAuth client presents its id and secret to the token endpoint. */
export type ClientAuthMethod = 'basic' | 'form' | 'json';

/** What the token endpoint answered, as raw as possible, for a carrier's error decoder. */
export interface TokenEndpointAnswer {
  status: number;
  headers: HeaderLookup;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

/** The carrier's verdict on a failed token answer; undefined lets the broker's generic OAuth rules decide. */
export type TokenErrorDecoder = (
  answer: TokenEndpointAnswer,
) => { failureClass: FailureClass; code?: string; message?: string } | undefined;

interface OAuthBase {
  /** Token endpoint path, relative to the auth host. */
  tokenPath: string;
  /** Which host of the profile serves the token endpoint (default 'default'). */
  host?: string;
  clientAuth: ClientAuthMethod;
  /** Scope sent with every token request, when the carrier wants one. */
  scope?: string;
  /** Extra parameters the carrier requires on the token request (audience, resource...). */
  extraParams?: Record<string, string>;
  /** Carrier-specific decoding of token errors that are not RFC 6749 shaped. */
  decodeError?: TokenErrorDecoder;
  /** Carrier-specific token revocation endpoint path, if it has one. */
  revokePath?: string;
}

export interface ClientCredentialsAuth extends OAuthBase {
  kind: 'client_credentials';
}

/** Resource-owner password grant: client id/secret plus a business-portal username and password. */
export interface PasswordAuth extends OAuthBase {
  kind: 'password';
}

/** Authorization code with PKCE, and refresh tokens that may rotate on every refresh. */
export interface AuthorizationCodeAuth extends OAuthBase {
  kind: 'authorization_code';
  authorizeUrlPath: string;
  /** Refresh endpoint when it differs from tokenPath (some carriers refresh at their own path). */
  refreshPath?: string;
  /** Whether the carrier issues a new refresh token on each refresh. */
  rotatesRefreshToken: boolean;
}

/** A static key sent in a header on every call. */
export interface ApiKeyAuth {
  kind: 'api_key';
  header: string;
  /** The credential field that holds the key (default 'apiKey'). */
  field?: string;
}

/** HTTP Basic on every call. */
export interface BasicAuth {
  kind: 'basic';
  usernameField?: string;
  passwordField?: string;
}

/**
 * Credentials the carrier mapping places in the request body itself (a contract
 * number and a password, say). The gateway still classifies their failures.
 */
export interface BodyCredentialsAuth {
  kind: 'body_credentials';
}

export type AuthMethod =
  | ClientCredentialsAuth
  | PasswordAuth
  | AuthorizationCodeAuth
  | ApiKeyAuth
  | BasicAuth
  | BodyCredentialsAuth;
export type AuthMethodKind = AuthMethod['kind'];

/**
 * A token obtained by presenting another token (a payment authorization for labels, say).
 * The carrier builds the request and parses the answer; the broker caches, single-flights
 * and classifies it like any token.
 */
export interface DerivedTokenSpec {
  /** Name used by mappings to ask for it: request({ auth: 'payment' }). */
  name: string;
  host?: string;
  /** Builds the token request from the primary bearer token and the account's settings. */
  buildRequest(input: { primaryToken: string; settings: Readonly<Record<string, string>> }): {
    path: string;
    method: 'POST' | 'GET';
    headers: Record<string, string>;
    body?: string;
  };
  /** Extracts the derived token and its lifetime; undefined when the answer holds no token. */
  parse(answer: TokenEndpointAnswer): { token: string; expiresInSeconds?: number } | undefined;
  /** How the derived token is attached to API calls. */
  header: string;
  decodeError?: TokenErrorDecoder;
}

export interface CarrierAuthProfile {
  /** Auth methods this carrier supports, by kind; an account picks one (default: `default`). */
  methods: Partial<Record<AuthMethodKind, AuthMethod>>;
  default: AuthMethodKind;
  /** Secret fields an account of each method must provide (names, never values). */
  credentialFields: Partial<Record<AuthMethodKind, readonly string[]>>;
  derived?: readonly DerivedTokenSpec[];
}
