/** Tiny HTML helpers for the server-rendered docs: escaping first, then inline code only. */
export const escapeHtml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** Escapes, then turns `code` spans into <code> (the only markup the descriptions use). */
export const inlineText = (text: string): string =>
  escapeHtml(text).replace(/`([^`]+)`/g, (_m, code: string) => `<code>${code}</code>`);

export const anchor = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '-');

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#1d232a}
h1,h2,h3{line-height:1.2}h2{border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2.5rem}
code{background:#f1f3f5;padding:0 .25rem;border-radius:3px;font-size:90%}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #dde;padding:.3rem .5rem;text-align:left;vertical-align:top}
.op{border:1px solid #dde;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.method{font-weight:700;text-transform:uppercase;display:inline-block;min-width:4rem}
ul.schema{list-style:none;padding-left:1.2rem;border-left:2px solid #eef;margin:.2rem 0}
.req{color:#b02a37;font-size:85%}.muted{color:#667;font-size:90%}
nav a{margin-right:1rem}`;

export const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
