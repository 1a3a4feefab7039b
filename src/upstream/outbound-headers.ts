/**
 * The headers of one upstream request as a plain record with lower-cased names: the
 * mapping's, `accept-encoding: gzip` unless it chose one, then the credential's (they win).
 */
export function outboundHeaders(
  mapping: Readonly<Record<string, string>> | undefined,
  credential: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (mapping !== undefined)
    for (const name in mapping) headers[name.toLowerCase()] = mapping[name] as string;
  headers['accept-encoding'] ??= 'gzip';
  if (credential !== undefined)
    for (const name in credential) headers[name.toLowerCase()] = credential[name] as string;
  return headers;
}
