/** Pieces every /v1 route definition shares. */
export const BEARER = [{ bearerAuth: [] }];

export const REQUEST_ID_RESPONSE_HEADER = {
  'X-Request-Id': {
    description: 'The request id (the caller’s X-Request-Id when valid, otherwise generated).',
    schema: { type: 'string' as const },
  },
};
