/** Public documentation: the OpenAPI document, the HTML reference, and one page per problem type. */
import { renderProblemPage } from '../docs/render-problem-page.ts';
import { renderReferencePage } from '../docs/render-reference.ts';
import type { ApiApp } from '../env.ts';
import { openApiDocument } from '../openapi.ts';
import { ApiProblem } from '../problem.ts';
import { findProblem } from '../problems.ts';

export function registerReference(app: ApiApp): void {
  const document = openApiDocument(app);
  let html: string | undefined;
  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', (c) => {
    html ??= renderReferencePage(document());
    return c.html(html);
  });
  app.get('/problems/:name', (c) => {
    const problem = findProblem(c.req.param('name'));
    if (!problem) throw new ApiProblem('not-found', 'There is no such problem type.');
    return c.html(renderProblemPage(problem));
  });
}
