/**
 * Parses a Redis URL that may name several hosts: `redis[s]://[user[:password]@]host[:port]
 * [,host[:port]…][/db]`. One host is a single server; several are the seeds of a cluster or
 * the sentinels (the store configuration says which). WHATWG URL cannot read a host list,
 * hence this small parser. Pure: the configuration validates with it, the Redis adapter
 * connects with it. Error messages never quote the URL (it may hold a password).
 */

export interface RedisAddress {
  host: string;
  port: number;
}

export interface ParsedRedisUrl {
  /** `rediss://`: every connection to a data node uses TLS. */
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
  hosts: RedisAddress[];
}

const URL_SHAPE = /^(rediss?):\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/(\d*))?\/?$/i;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/** `host:port`, `[ipv6]:port` or `host` (then `defaultPort`); undefined when malformed. */
export function parseAddress(text: string, defaultPort: number): RedisAddress | undefined {
  const match = HOST_PORT.exec(text.trim());
  if (!match) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** The parsed URL, or a message saying what is wrong (without quoting the URL). */
export function parseRedisUrl(text: string, defaultPort = 6379): ParsedRedisUrl | { error: string } {
  const match = URL_SHAPE.exec(text.trim());
  if (!match)
    return { error: 'must be a redis:// or rediss:// URL (host[:port], several separated by commas)' };
  const [, scheme, userinfo, hostList, db] = match;
  const hosts: RedisAddress[] = [];
  for (const part of hostList!.split(',')) {
    const address = parseAddress(part, defaultPort);
    if (!address) return { error: 'has a host that is not host[:port]' };
    hosts.push(address);
  }
  const parsed: ParsedRedisUrl = { tls: scheme!.toLowerCase() === 'rediss', db: Number(db || 0), hosts };
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
    const password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1));
    if (username === undefined || (colon !== -1 && password === undefined))
      return { error: 'has a user name or password that is not percent-encoded' };
    if (username !== '') parsed.username = username;
    if (password !== undefined && password !== '') parsed.password = password;
  }
  return parsed;
}
