/**
 * The dashboard shell: one server-rendered page, no framework, no data. It asks for the
 * admin key in the browser and reads everything through the admin API with it, so loading
 * the page needs no key and shows nothing without one. A per-response nonce lets the inline
 * script and style run under a strict Content-Security-Policy.
 */
import { dashboardClient } from './client.ts';

const STYLE = `
:root { color-scheme: light dark; --ok:#1a7f37; --warn:#b35900; --bad:#c62828; --muted:#6b7280; --line:#d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.75rem 1rem; border-bottom:1px solid var(--line); }
header.top h1 { font-size:1.15rem; margin:0; flex:1 1 auto; }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
#carriers { display:grid; gap:1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 340px), 1fr)); }
.card { border:1px solid var(--line); border-radius:10px; padding:.75rem; border-left-width:6px; }
.card[data-state=healthy] { border-left-color: var(--ok); }
.card[data-state=degraded] { border-left-color: var(--warn); }
.card[data-state=failing] { border-left-color: var(--bad); }
.card header { display:flex; align-items:center; gap:.5rem; }
.card h2 { font-size:1.05rem; margin:0; flex:1; }
.account { border-top:1px dashed var(--line); margin-top:.6rem; padding-top:.5rem; }
.row { display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; }
.small { font-size:.85rem; margin-top:.3rem; }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; font-weight:600; background:#8883; }
.badge.healthy { background:var(--ok); color:#fff; } .badge.degraded { background:var(--warn); color:#fff; }
.badge.failing { background:var(--bad); color:#fff; } .badge.unknown { background:#8885; }
.score { font-variant-numeric: tabular-nums; color: var(--muted); } .score.big { font-size:1.3rem; font-weight:700; color:inherit; }
.pill { border:1px solid var(--line); border-radius:6px; padding:0 .35rem; }
.pill.open, .pill.fail { border-color:var(--bad); color:var(--bad); } .pill.half_open, .pill.degraded { border-color:var(--warn); color:var(--warn); }
.triage { margin:.35rem 0; font-size:.9rem; }
.muted { color: var(--muted); font-size:.85rem; }
.timeline { display:grid; grid-template-columns: 5.5rem 1fr; gap:.1rem .5rem; align-items:center; font-size:.8rem; margin-top:.3rem; }
.timeline .tleft { grid-column: 2; color: var(--muted); }
.bar { height:.5rem; border-radius:4px; background:#8883; overflow:hidden; }
.fill { height:100%; background:var(--ok); } .fill.low { background:var(--warn); }
.panels { display:grid; gap:1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); margin-top:1.25rem; }
.panels section { border:1px solid var(--line); border-radius:10px; padding:.75rem; }
.panels h2 { font-size:1rem; margin:.1rem 0 .5rem; }
ul { list-style:none; padding:0; margin:0; } li { padding:.35rem 0; border-bottom:1px solid #8882; }
.alert.critical.firing .badge { background:var(--bad); color:#fff; } .alert.warning.firing .badge { background:var(--warn); color:#fff; }
.history { display:grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap:.25rem .75rem; margin-top:.4rem; }
.spark { display:grid; grid-template-columns: 1fr auto; align-items:center; font-size:.75rem; }
.spark svg { grid-column: 1 / -1; width:100%; height:24px; border-bottom:1px solid var(--line); }
.spark-name { color: var(--muted); } .spark-latest { font-variant-numeric: tabular-nums; }
.spark-line { fill:none; stroke:var(--ok); stroke-width:1.5; } .spark-line.s1 { stroke:var(--warn); }
.spark-dot { fill:var(--ok); } .spark-dot.s1 { fill:var(--warn); }
.bar-mark { fill:var(--bad); }
.incident { margin:.4rem 0; padding:.4rem .5rem; border-radius:6px; border:1px solid var(--warn); font-size:.85rem; }
.incident.critical { border-color:var(--bad); } .incident.critical .badge { background:var(--bad); color:#fff; }
.incident.warning .badge { background:var(--warn); color:#fff; }
.runbook { margin-top:.25rem; }
#login { max-width: 28rem; margin: 3rem auto; padding: 1rem; }
#login input { width:100%; padding:.6rem; font-size:1rem; margin:.5rem 0; }
button { padding:.5rem .9rem; font-size:.95rem; cursor:pointer; }
#status[data-live=false] { color: var(--bad); }
`;

const escapeAttr = (v: string) => v.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function dashboardPage(options: { nonce: string; pollMs: number }): string {
  const nonce = escapeAttr(options.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Carrier gateway · health</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-poll-ms="${options.pollMs}">
<header class="top">
  <h1>Carrier gateway · auth health</h1>
  <span id="status" class="muted">Not connected</span>
  <button id="logout" type="button">Forget key</button>
</header>
<div id="login" hidden>
  <form id="login-form" autocomplete="off">
    <label for="admin-key">Admin key (GATEWAY_ADMIN_KEYS). It stays in this tab only.</label>
    <input id="admin-key" name="admin-key" type="password" required autocomplete="off">
    <button type="submit">Connect</button>
    <p id="login-error" class="muted" role="alert"></p>
  </form>
</div>
<main id="board" hidden>
  <div id="carriers"></div>
  <div class="panels">
    <section><h2>Open alerts</h2><ul id="alerts"></ul></section>
    <section><h2>Recent notifications</h2><ul id="history"></ul></section>
    <section><h2>Recent failovers</h2><ul id="failovers"></ul></section>
  </div>
</main>
<script nonce="${nonce}">(${dashboardClient.toString()})();</script>
</body>
</html>`;
}

/** A strict policy: only this response's inline script and style, and same-origin fetches. */
export function dashboardCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
