/**
 * The one place that decides what may leave the process (logs, span attributes and events,
 * metric labels). Secrets are recognised by field name; URLs lose their query and
 * userinfo (OAuth codes, states and keys travel there); known secret values are masked
 * wherever they appear in free text.
 */
const SECRET_FIELD =
  /(authorization|password|passwd|secret|token|api[-_]?key|apikey|okapi|credential|verifier|code_challenge|^code$|^state$|cookie|signature|contract[-_]?number|private[-_]?key)/i;

export const REDACTED = '[redacted]';

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** A URL fit for telemetry: scheme, host, port and path only. */
export function safeUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

const knownSecrets = new Set<string>();

/** Registers secret values (credentials from configuration, tokens as they are issued) to mask in free text. */
export function registerSecret(value: string | undefined): void {
  // Short values would mask ordinary words; real credentials are longer.
  if (value && value.length >= 8) knownSecrets.add(value);
}

export function forgetSecrets(): void {
  knownSecrets.clear();
}

/** Masks every registered secret in a string. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

type Scalar = string | number | boolean;

/** Copies fields for a log line or span, dropping secret-named fields and masking secret values. */
export function safeFields(
  fields: Record<string, unknown>,
): Record<string, Scalar | Scalar[] | Record<string, unknown>> {
  const out: Record<string, Scalar | Scalar[] | Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (isSecretField(key)) {
      out[key] = REDACTED;
    } else if (typeof value === 'string') {
      out[key] = maskSecrets(value);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      out[key] = value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) =>
        typeof v === 'string'
          ? maskSecrets(v)
          : typeof v === 'number' || typeof v === 'boolean'
            ? v
            : String(v),
      );
    } else if (value instanceof Error) {
      out[key] = maskSecrets(`${value.name}: ${value.message}`);
    } else if (typeof value === 'object') {
      out[key] = safeFields(value as Record<string, unknown>);
    } else {
      out[key] = maskSecrets(String(value));
    }
  }
  return out;
}
