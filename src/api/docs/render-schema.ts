/**
 * Renders a JSON Schema (as found in an OpenAPI 3.1 document) as nested HTML lists.
 * References are links to the components section, never expanded, so recursion is bounded.
 */
import { anchor, escapeHtml, inlineText } from './html.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const refName = (ref: string): string => ref.split('/').pop() ?? ref;

export const schemaLink = (name: string): string =>
  `<a href="#schema-${anchor(name)}"><code>${escapeHtml(name)}</code></a>`;

const CONSTRAINTS = [
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'default',
] as const;

/** A one-line summary of a schema's type: `string`, `Address`, `array of Parcel`, `one of ...`. */
export function typeLabel(schema: unknown): string {
  if (!isObject(schema)) return 'any';
  if (typeof schema.$ref === 'string') return schemaLink(refName(schema.$ref));
  if (Array.isArray(schema.enum))
    return `one of ${schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`;
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const parts = schema[key];
    if (Array.isArray(parts))
      return `${key === 'allOf' ? 'all of' : 'one of'} (${parts.map(typeLabel).join(' | ')})`;
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : String(schema.type ?? 'any');
  if (type === 'array') return `array of ${typeLabel(schema.items)}`;
  if (type === 'object' && isObject(schema.additionalProperties) && !isObject(schema.properties))
    return `map of string to ${typeLabel(schema.additionalProperties)}`;
  return escapeHtml(type);
}

function constraints(schema: Json): string {
  const parts = CONSTRAINTS.filter((k) => schema[k] !== undefined).map(
    (k) => `${k} ${escapeHtml(JSON.stringify(schema[k]))}`,
  );
  return parts.length > 0 ? ` <span class="muted">(${parts.join(', ')})</span>` : '';
}

const description = (schema: Json): string =>
  typeof schema.description === 'string' ? ` — ${inlineText(schema.description)}` : '';

/** The object's properties, one line each, recursing into inline (non-$ref) objects. */
export function renderSchema(schema: unknown, depth = 0): string {
  if (!isObject(schema) || depth > 6) return '';
  const target = schema.type === 'array' && isObject(schema.items) ? schema.items : schema;
  if (!isObject(target.properties)) return '';
  const required = new Set(Array.isArray(target.required) ? target.required.map(String) : []);
  const rows = Object.entries(target.properties).map(([name, prop]) => {
    const p = isObject(prop) ? prop : {};
    const req = required.has(name) ? ' <span class="req">required</span>' : '';
    const nested = typeof p.$ref === 'string' ? '' : renderSchema(p, depth + 1);
    return `<li><code>${escapeHtml(name)}</code>: ${typeLabel(p)}${req}${constraints(p)}${description(p)}${nested}</li>`;
  });
  return `<ul class="schema">${rows.join('')}</ul>`;
}
