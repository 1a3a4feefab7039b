/** The sandbox simulator kit: see README.md beside this file. */
export { createAccountBook } from './accounts.ts';
export { createSimContext, resetSimContext, type SimContextOptions } from './context.ts';
export { createDocumentKit, MEDIA_TYPES } from './documents/index.ts';
export { createFaultBook } from './faults.ts';
export type { AnyContext } from './http/any-context.ts';
export { apiGuard, guardedAccount, NO_ANSWER } from './http/api-guard.ts';
export { hangUntilClientGone, resetConnection } from './http/connection.ts';
export {
  applyFault,
  htmlErrorResponse,
  jsonAsTextResponse,
  malformedJsonResponse,
} from './http/fault-response.ts';
export { type JsonResponseOptions, jsonResponse } from './http/json-response.ts';
export { type BasicCredentials, basicCredentials, bearerToken, readParams } from './http/request.ts';
export { retryAfterOptions } from './http/retry-after.ts';
export { rfc6749Renderer } from './http/rfc6749-renderer.ts';
export { issueOptionsFor, shapeTokenBody, tokenFaults } from './http/token-faults.ts';
export { createLabelBook, defaultTrackingNumber } from './labels.ts';
export { createModeBook } from './modes.ts';
export { s256Challenge, verifierMatches } from './pkce.ts';
export { createStats } from './stats.ts';
export { createTokenAuthority } from './tokens.ts';
export * from './types.ts';
