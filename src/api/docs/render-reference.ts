/** The self-contained API reference page (GET /docs): no scripts, no CDN, works offline. */
import { PROBLEM_TABLE, problemTypeUri } from '../problems.ts';
import { anchor, escapeHtml, inlineText, page } from './html.ts';
import { renderSchema, typeLabel } from './render-schema.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function renderParameters(params: unknown): string {
  if (!Array.isArray(params) || params.length === 0) return '';
  const rows = params.filter(isObject).map((p) => {
    const schema = isObject(p.schema) ? p.schema : {};
    return `<tr><td><code>${escapeHtml(str(p.name))}</code></td><td>${escapeHtml(str(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${typeLabel(schema)}</td><td>${inlineText(str(p.description) || str(schema.description))}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>description</th></tr>${rows.join('')}</table>`;
}

function renderContent(content: unknown): string {
  if (!isObject(content)) return '';
  return Object.entries(content)
    .map(([mediaType, media]) => {
      const schema = isObject(media) ? media.schema : undefined;
      return `<div><code>${escapeHtml(mediaType)}</code>: ${typeLabel(schema)}${renderSchema(schema)}</div>`;
    })
    .join('');
}

function renderResponses(responses: unknown): string {
  if (!isObject(responses)) return '';
  const rows = Object.entries(responses).map(([status, res]) => {
    const r = isObject(res) ? res : {};
    const text = str(r.description)
      .split('\n\n')
      .map((line) => `<div>${inlineText(line)}</div>`)
      .join('');
    const headers = isObject(r.headers)
      ? Object.keys(r.headers)
          .map((h) => `<code>${escapeHtml(h)}</code>`)
          .join(', ')
      : '';
    return `<tr><td><b>${escapeHtml(status)}</b></td><td>${text}${headers ? `<div class="muted">headers: ${headers}</div>` : ''}</td><td>${renderContent(r.content)}</td></tr>`;
  });
  return `<h4>Responses</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>${rows.join('')}</table>`;
}

function renderOperation(path: string, method: string, op: Json): string {
  const security =
    Array.isArray(op.security) && op.security.length > 0 ? 'Bearer key required' : 'No key needed';
  const body = isObject(op.requestBody)
    ? `<h4>Request body</h4>${renderContent(op.requestBody.content)}`
    : '';
  return `<section class="op" id="op-${anchor(`${method}-${path}`)}"><h3><span class="method">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code></h3>
<p><b>${inlineText(str(op.summary))}</b></p>${op.description ? `<p>${inlineText(str(op.description))}</p>` : ''}<p class="muted">${security}</p>
${renderParameters(op.parameters)}${body}${renderResponses(op.responses)}</section>`;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function renderReferencePage(doc: unknown): string {
  const d = isObject(doc) ? doc : {};
  const info = isObject(d.info) ? d.info : {};
  const intro = str(info.description).split('\n\n')[0] ?? '';
  const paths = isObject(d.paths) ? d.paths : {};
  const operations: string[] = [];
  const index: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      operations.push(renderOperation(path, method, op));
      index.push(
        `<li><a href="#op-${anchor(`${method}-${path}`)}"><span class="method">${method}</span> <code>${escapeHtml(path)}</code></a> ${inlineText(str(op.summary))}</li>`,
      );
    }
  }
  const components = isObject(d.components) && isObject(d.components.schemas) ? d.components.schemas : {};
  const schemas = Object.entries(components).map(
    ([name, schema]) =>
      `<section id="schema-${anchor(name)}"><h3><code>${escapeHtml(name)}</code></h3><p>${typeLabel(schema)}${isObject(schema) && typeof schema.description === 'string' ? ` — ${inlineText(schema.description)}` : ''}</p>${renderSchema(schema)}</section>`,
  );
  const catalog = PROBLEM_TABLE.map(
    (p) =>
      `<tr><td><a href="${problemTypeUri(p.name)}"><code>${problemTypeUri(p.name)}</code></a></td><td>${p.status}</td><td>${escapeHtml(p.title)}</td><td>${inlineText(p.when)}</td><td>${p.members.map((m) => `<code>${m}</code>`).join(' ')}</td></tr>`,
  );
  return page(
    `${str(info.title)} reference`,
    `<h1>${escapeHtml(str(info.title))} <span class="muted">v${escapeHtml(str(info.version))}</span></h1>
<nav><a href="#routes">Routes</a><a href="#errors">Errors</a><a href="#schemas">Schemas</a><a href="/openapi.json">openapi.json</a></nav>
<p>${inlineText(intro)}</p>
<h2 id="routes">Routes</h2><ul>${index.join('')}</ul>${operations.join('\n')}
<h2 id="errors">Error catalog</h2><p>Every error is <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and the members below.</p>
<table><tr><th>type</th><th>status</th><th>title</th><th>when</th><th>members</th></tr>${catalog.join('')}</table>
<h2 id="schemas">Schemas</h2>${schemas.join('\n')}`,
  );
}
