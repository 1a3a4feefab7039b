/** The short explanation served at each problem type URI (/problems/<name>). */
import { type ProblemDefinition, problemTypeUri } from '../problems.ts';
import { escapeHtml, inlineText, page } from './html.ts';

export function renderProblemPage(p: ProblemDefinition): string {
  const uri = problemTypeUri(p.name as Parameters<typeof problemTypeUri>[0]);
  const members =
    p.members.length > 0 ? p.members.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ') : 'none';
  return page(
    `${p.title} (${p.status})`,
    `<h1>${escapeHtml(p.title)}</h1>
<p>Type <code>${escapeHtml(uri)}</code>, HTTP status <b>${p.status}</b>.</p>
<p>${inlineText(p.when)}</p>
<p>Members besides <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>: ${members}.</p>
<p><a href="/docs#errors">The whole error catalog</a></p>`,
  );
}
