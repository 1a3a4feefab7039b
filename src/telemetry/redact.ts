/**
 * The one place that decides what may leave the process (logs, span attributes and events,
 * metric labels). Secrets are recognised three ways: by field name; by shape (an
 * Authorization scheme followed by its credential, `name=value` pairs of OAuth parameters
 * in free text, a URL's query and userinfo); and by value (credentials from configuration
 * and other registered secrets are masked wherever they appear).
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { ATTR } from './names.ts';
import { SecretIndex } from './secret-index.ts';

/** Field names whose value is a secret, wherever they appear (log fields, attribute keys). */
const SECRET_FIELD =
  /(authorization|password|passwd|secret|token|api[-_]?key|apikey|credential|verifier|code_challenge|cookie|signature|contract[-_]?number|private[-_]?key|assertion|session)/i;

/**
 * OAuth parameters as they travel in query strings and form bodies. `code` and `state` are
 * secrets there (an authorization code, a CSRF state), but a log field named `code` is an
 * error code, so they are only recognised in `name=value` text.
 */
const SECRET_PARAM =
  /\b((?:[a-z_]*token|client_secret|password|code_verifier|code_challenge|code|state|assertion|api[-_]?key|apikey)=)[^&\s"',;]+/gi;

/** An Authorization header value in free text: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(bearer|basic|digest)\s+[A-Za-z0-9._~+/=-]{16,}/gi;

export const REDACTED = '[redacted]';

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** Log field names are few and repeat on every line: each is judged once (bounded). */
const secretFieldNames = new Map<string, boolean>();
const FIELD_NAMES_MAX = 1_024;

function isSecretFieldName(name: string): boolean {
  let secret = secretFieldNames.get(name);
  if (secret === undefined) {
    secret = isSecretField(name);
    if (secretFieldNames.size < FIELD_NAMES_MAX) secretFieldNames.set(name, secret);
  }
  return secret;
}

/** A URL fit for telemetry: scheme, host, port and path only. */
export function safeUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

const knownSecrets = new SecretIndex();

/** Registers secret values (credentials from configuration, tokens as they are issued) to mask in free text. */
export function registerSecret(value: string | undefined): void {
  // Short values would mask ordinary words; real credentials are longer (SECRET_MIN_LENGTH).
  if (value && knownSecrets.add(value)) forgetMasked();
}

export function forgetSecrets(): void {
  knownSecrets.clear();
  forgetMasked();
}

/**
 * Attribute values repeat (carrier and account ids, operations, hosts, carrier URLs): each
 * distinct short value is masked once, until a new secret is registered. Bounded; long values
 * are not kept.
 */
const masked = new Map<string, string>();
const maskedUrls = new Map<string, string>();
const MASKED_MAX = 4_096;
const MASKED_LONGEST = 200;

function forgetMasked(): void {
  masked.clear();
  maskedUrls.clear();
}

function remembered(memo: Map<string, string>, value: string, mask: (value: string) => string): string {
  if (value.length > MASKED_LONGEST) return mask(value);
  let out = memo.get(value);
  if (out === undefined) {
    out = mask(value);
    if (memo.size >= MASKED_MAX) memo.clear();
    memo.set(value, out);
  }
  return out;
}

export function maskedValue(value: string): string {
  // Shorter than a registered secret (8) and an Authorization credential (16), and no `name=`: nothing to mask.
  if (value.length < 8 && !value.includes('=')) return value;
  return remembered(masked, value, maskSecrets);
}

/** `url.full` as it may leave: no query, no userinfo, secrets masked (a URL parse, so remembered). */
function maskedUrl(value: string): string {
  return remembered(maskedUrls, value, (url) => {
    try {
      return maskSecrets(safeUrl(url));
    } catch {
      return maskSecrets(url);
    }
  });
}

/** Masks every registered secret, Authorization credential and OAuth parameter in a string. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets.foundIn(text)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (out.includes('=')) out = out.replace(SECRET_PARAM, `$1${REDACTED}`);
  return out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
}

type Scalar = string | number | boolean;
type SafeValue = Scalar | SafeValue[] | { [key: string]: SafeValue };

/** Nesting beyond this is cut (a log field is never that deep; a cycle would be endless). */
const MAX_DEPTH = 6;

function safeValue(value: unknown, depth: number): SafeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return maskSecrets(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.map((v) => safeValue(v, depth + 1) ?? String(v));
  if (value instanceof Error) return maskSecrets(`${value.name}: ${value.message}`);
  if (typeof value === 'object') return copyFields(value as Record<string, unknown>, depth + 1);
  return maskSecrets(String(value));
}

function copyFields(fields: Readonly<Record<string, unknown>>, depth: number): Record<string, SafeValue> {
  const out: Record<string, SafeValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    const safe = isSecretFieldName(key) ? REDACTED : safeValue(value, depth);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

/** Copies fields for a log line, replacing secret-named fields and masking secret values. */
export function safeFields(fields: Readonly<Record<string, unknown>>): Record<string, SafeValue> {
  return copyFields(fields, 0);
}

/** The gateway's own attribute names: chosen safe, even those that contain `token` or `credential`. */
const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(ATTR));

/** What is done to an attribute's value, decided once per key. */
type Treatment = 'redact' | 'url' | 'mask';

const treatments = new Map<string, Treatment>();
/** Attribute keys are few; a flood of distinct keys is judged each time instead of remembered. */
const TREATMENTS_MAX = 1_024;

function treatmentOf(key: string): Treatment {
  let t = treatments.get(key);
  if (t !== undefined) return t;
  t = key === ATTR.urlFull ? 'url' : !KNOWN_ATTRIBUTES.has(key) && isSecretField(key) ? 'redact' : 'mask';
  if (treatments.size < TREATMENTS_MAX) treatments.set(key, t);
  return t;
}

function safeAttributeValue(treatment: Treatment, value: AttributeValue): AttributeValue {
  if (treatment === 'redact') return REDACTED;
  if (typeof value === 'string') {
    return treatment === 'url' ? maskedUrl(value) : maskedValue(value);
  }
  if (Array.isArray(value)) {
    return (value as unknown[]).map((v) => (typeof v === 'string' ? maskSecrets(v) : v)) as AttributeValue;
  }
  return value;
}

/**
 * Attributes fit for a span, a span event or a metric: unknown secret-named keys lose their
 * value, strings are masked, `url.full` loses its query. The treatment of each key is decided
 * once; attributes that need no change are handed back as they are (no copy).
 */
export function safeAttributes(attributes: Attributes | undefined): Attributes {
  if (attributes === undefined) return {};
  let out: Attributes | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    const safe = value === undefined ? undefined : safeAttributeValue(treatmentOf(key), value);
    if (out === undefined) {
      if (safe === value) continue;
      // The first change: copy what came before it, then go on copying.
      out = {};
      for (const before in attributes) {
        if (before === key) break;
        const v = attributes[before];
        if (v !== undefined) out[before] = v;
      }
    }
    if (safe !== undefined) out[key] = safe;
  }
  return out ?? attributes;
}
