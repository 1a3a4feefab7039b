/** One JSON request to a gateway under test, with the caller key; the answer parsed when it is JSON. */
export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw body text. */
  text: string;
}

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export async function requestJson<T = unknown>(
  fetcher: Fetcher,
  url: string,
  method: string,
  options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<T>> {
  const { key, body, headers = {} } = options;
  const res = await fetcher(url, {
    method,
    headers: {
      ...(key === undefined || key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  // workerd's Response headers come from another realm: copy them into this one's Headers.
  return {
    status: res.status,
    headers: new Headers(res.headers as unknown as HeadersInit),
    body: parsed as T,
    text,
  };
}
