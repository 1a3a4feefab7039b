/**
 * A stand-in for a carrier's login and consent screens. A carrier's authorize endpoint sends
 * the operator's browser to a login page and, once they consent, back to the application
 * with a code. The simulators consent at once (tests follow the redirect); in front of them,
 * sandbox mode shows this page first, so a person connecting an account in the sandbox sees
 * what they would see at the carrier: who asks, for which account, and Allow or Deny.
 *
 * The page is a plain GET form: Allow repeats the authorize request with
 * `sandbox_consent=allow` (which the simulator then answers with its redirect), Deny sends the
 * browser back with `error=access_denied` (RFC 6749 section 4.1.2.1). A script may add
 * `sandbox_consent=allow` itself to skip the page.
 */
import type { MiddlewareHandler } from 'hono';
import type { SimContext } from './kit/types.ts';

export const CONSENT_PARAM = 'sandbox_consent';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

function denied(redirectUri: string, state: string | undefined): Response {
  const target = new URL(redirectUri);
  target.searchParams.set('error', 'access_denied');
  target.searchParams.set('error_description', 'the user denied the request');
  if (state !== undefined) target.searchParams.set('state', state);
  return new Response(null, {
    status: 302,
    headers: { location: target.toString(), 'cache-control': 'no-store' },
  });
}

function page(input: {
  carrierName: string;
  accountId: string;
  path: string;
  query: Record<string, string>;
  redirectUri: URL;
}): Response {
  const { carrierName, accountId, path, query, redirectUri } = input;
  const hidden = Object.entries(query)
    .filter(([name]) => name !== CONSENT_PARAM)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const scope = query.scope ? `<p>Scope asked for: <code>${escapeHtml(query.scope)}</code></p>` : '';
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(carrierName)} sandbox: authorize</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2430; }
    main { max-width: 32rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; }
    h1 { font-size: 1.3rem; margin-top: 0; }
    button { font-size: 1rem; padding: .6rem 1.4rem; margin-right: .6rem; border-radius: 6px; border: 1px solid #8a94a6; cursor: pointer; }
    #allow { background: #1f6feb; color: #fff; border-color: #1f6feb; }
    .note { color: #5b6475; font-size: .85rem; }
  </style>
</head>
<body>
  <main>
    <h1>${escapeHtml(carrierName)} (sandbox): sign in and authorize</h1>
    <p>You are signed in as the sandbox user of account <strong id="account">${escapeHtml(accountId)}</strong>.</p>
    <p>An application asks to ship with this account. Afterwards your browser returns to
      <code>${escapeHtml(redirectUri.origin + redirectUri.pathname)}</code>.</p>
    ${scope}
    <form method="get" action="${escapeHtml(path)}">
      ${hidden}
      <button id="allow" type="submit" name="${CONSENT_PARAM}" value="allow">Allow</button>
      <button id="deny" type="submit" name="${CONSENT_PARAM}" value="deny">Deny</button>
    </form>
    <p class="note">This page stands in for the carrier's login and consent screens. Nothing real is authorized.</p>
  </main>
</body>
</html>
`;
  return new Response(html, {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * Middleware for one carrier's authorize path. Requests the simulator would refuse anyway
 * (unknown client, no usable redirect URI) pass through so that it answers as the carrier does.
 */
export function consentPage(carrierName: string, sim: () => SimContext): MiddlewareHandler {
  return async (c, next) => {
    const query = c.req.query();
    const account = query.client_id ? sim().accounts.byClientId(query.client_id) : undefined;
    const redirect =
      query.redirect_uri && URL.canParse(query.redirect_uri) ? new URL(query.redirect_uri) : undefined;
    if (account === undefined || redirect === undefined || query.response_type !== 'code') return next();
    const choice = query[CONSENT_PARAM];
    if (choice === 'allow') return next();
    if (choice === 'deny') return denied(redirect.toString(), query.state);
    return page({
      carrierName,
      accountId: account.id,
      path: new URL(c.req.url).pathname,
      query,
      redirectUri: redirect,
    });
  };
}
