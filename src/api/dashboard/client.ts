/**
 * The dashboard's browser script. It is inlined into the page with Function#toString, so it
 * must stay self-contained (no imports, no outer variables). It asks for the admin key, keeps
 * it in sessionStorage only, polls the admin JSON with it and renders with textContent only
 * (no HTML from data, so nothing the gateway reports can inject markup).
 */
export function dashboardClient(): void {
  const STORAGE = 'carrier-gateway-admin-key';
  const pollMs = Number(document.body.dataset.pollMs ?? '2000') || 2000;
  const byId = (id: string) => document.getElementById(id) as HTMLElement;
  let timer: ReturnType<typeof setTimeout> | undefined;

  type Child = Node | string | null | undefined | false;
  function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  }

  function ago(iso: string | undefined): string {
    if (!iso) return 'never';
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (s < 60) return `${Math.max(0, s)} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    return `${Math.round(s / 3600)} h ago`;
  }

  function until(iso: string): string {
    const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
    if (s <= 0) return 'expired';
    if (s < 120) return `${s} s`;
    if (s < 7200) return `${Math.round(s / 60)} min`;
    if (s < 172800) return `${Math.round(s / 3600)} h`;
    return `${Math.round(s / 86400)} days`;
  }

  interface Token {
    name: string;
    issuedAt?: string;
    expiresAt?: string;
    refreshTokenExpiresAt?: string;
  }
  interface Minute {
    at: string;
    tokenCalls: number;
    tokenSuccessRate?: number;
    refreshP50Ms?: number;
    refreshP95Ms?: number;
    unauthorized: number;
    failovers: number;
  }
  interface Incident {
    rule: string;
    severity: string;
    summary: string;
    startedAt: string;
    classification?: string;
    runbook?: { kind: string; text: string };
  }
  interface Account {
    id: string;
    history?: { from: string; minutes: Minute[] };
    incident?: Incident;
    nextExpiry?: { name: string; at: string };
    state: string;
    score?: number;
    classification: string;
    failureClass?: string;
    runbook: { kind: string; text: string };
    breakers: { auth: string; api: string };
    probe?: { at: string; outcome: string; latencyMs: number; class?: string };
    tokens: Token[];
    lastUsedAt?: string;
  }
  interface Carrier {
    id: string;
    name: string;
    state: string;
    score?: number;
    accounts: Account[];
  }
  interface AlertItem {
    id: string;
    status: string;
    rule: string;
    severity: string;
    summary: string;
    startedAt: string;
    resolvedAt?: string;
    triage?: { classification: string; runbook: { text: string } };
  }
  interface State {
    generatedAt: string;
    carriers: Carrier[];
    alerts: { open: AlertItem[]; recent: AlertItem[] };
    failovers: {
      at: string;
      operation: string;
      requested: string;
      servedBy: string | null;
      reason?: string;
    }[];
  }

  const badge = (state: string, role = 'state') =>
    h('span', { class: `badge ${state}`, 'data-role': role }, state);

  function timeline(t: Token): HTMLElement {
    const issued = t.issuedAt ? Date.parse(t.issuedAt) : Date.now();
    const expires = t.expiresAt ? Date.parse(t.expiresAt) : Date.now();
    const left = Math.max(0, Math.min(1, (expires - Date.now()) / Math.max(1, expires - issued)));
    const fill = h('div', { class: `fill${left < 0.2 ? ' low' : ''}` });
    fill.style.width = `${Math.round(left * 100)}%`;
    return h(
      'div',
      { class: 'timeline', 'data-token': t.name },
      h('span', { class: 'tname' }, t.name),
      h('div', { class: 'bar' }, fill),
      h('span', { class: 'tleft' }, t.expiresAt ? `expires in ${until(t.expiresAt)}` : ''),
      t.refreshTokenExpiresAt
        ? h('span', { class: 'tleft' }, `refresh token: ${until(t.refreshTokenExpiresAt)}`)
        : null,
    );
  }

  const SLOTS = 60;
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag: string, attrs: Record<string, string>): SVGElement {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  /** One value per minute of the last hour (undefined: nothing happened that minute). */
  function slots(history: NonNullable<Account['history']>, pick: (m: Minute) => number | undefined) {
    const out: (number | undefined)[] = new Array(SLOTS).fill(undefined);
    const from = Date.parse(history.from);
    for (const m of history.minutes) {
      const i = Math.min(SLOTS - 1, Math.max(0, Math.floor((Date.parse(m.at) - from) / 60_000)));
      out[i] = pick(m);
    }
    return out;
  }

  /** A sparkline: lines for rates and latencies, bars for counts; the latest value beside it. */
  function spark(
    name: string,
    role: string,
    lines: (number | undefined)[][],
    options: { bars?: boolean; max?: number; latest: string },
  ): HTMLElement {
    const W = 120;
    const H = 24;
    const values = lines.flat().filter((v): v is number => v !== undefined);
    const max = options.max ?? Math.max(1, ...values);
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: String(W), height: String(H), role: 'img' });
    chart.setAttribute('aria-label', `${name}, last hour`);
    const x = (i: number) => (i * W) / (SLOTS - 1);
    const y = (v: number) => H - 1 - (Math.min(v, max) / max) * (H - 2);
    lines.forEach((line, n) => {
      if (options.bars) {
        line.forEach((v, i) => {
          if (!v) return;
          chart.append(
            svg('rect', {
              x: String(x(i) - 1),
              y: String(y(v)),
              width: '2',
              height: String(H - y(v)),
              class: 'bar-mark',
            }),
          );
        });
        return;
      }
      // Minutes without data break the line instead of drawing through them.
      let run: [number, number][] = [];
      const flush = () => {
        const only = run[0];
        // A lone minute is a dot: a line needs two.
        if (run.length === 1 && only)
          chart.append(
            svg('circle', { cx: String(only[0]), cy: String(only[1]), r: '2', class: `spark-dot s${n}` }),
          );
        else if (run.length > 1)
          chart.append(
            svg('polyline', { points: run.map((p) => p.join(',')).join(' '), class: `spark-line s${n}` }),
          );
        run = [];
      };
      line.forEach((v, i) => {
        if (v === undefined) flush();
        else run.push([Math.round(x(i) * 10) / 10, Math.round(y(v) * 10) / 10]);
      });
      flush();
    });
    return h(
      'div',
      // Minutes with data (for bars: minutes where something happened).
      {
        class: 'spark',
        'data-spark': role,
        'data-points': String(values.filter((v) => !options.bars || v > 0).length),
      },
      h('span', { class: 'spark-name' }, name),
      chart,
      h('span', { class: 'spark-latest' }, options.latest),
    );
  }

  function historyOf(a: Account): HTMLElement | null {
    const history = a.history;
    if (!history) return null;
    const last = history.minutes.at(-1);
    const sum = (pick: (m: Minute) => number) => history.minutes.reduce((n, m) => n + pick(m), 0);
    const rate = last?.tokenSuccessRate;
    return h(
      'div',
      { class: 'history', 'data-role': 'history' },
      spark('token success', 'token-success', [slots(history, (m) => m.tokenSuccessRate)], {
        max: 1,
        latest: rate === undefined ? '–' : `${Math.round(rate * 100)}%`,
      }),
      spark(
        'refresh p50/p95',
        'refresh-latency',
        [slots(history, (m) => m.refreshP50Ms), slots(history, (m) => m.refreshP95Ms)],
        {
          latest:
            last?.refreshP95Ms === undefined
              ? '–'
              : `${Math.round(last.refreshP50Ms ?? 0)}/${Math.round(last.refreshP95Ms)} ms`,
        },
      ),
      spark('401s', 'unauthorized', [slots(history, (m) => m.unauthorized)], {
        bars: true,
        latest: `${sum((m) => m.unauthorized)} in 1 h`,
      }),
      spark('failovers', 'failovers', [slots(history, (m) => m.failovers)], {
        bars: true,
        latest: `${sum((m) => m.failovers)} in 1 h`,
      }),
    );
  }

  function incidentOf(a: Account): HTMLElement | null {
    const i = a.incident;
    if (!i) return null;
    return h(
      'div',
      { class: `incident ${i.severity}`, 'data-role': 'incident', 'data-rule': i.rule },
      h('span', { class: 'badge' }, i.severity),
      ' ',
      h('b', {}, i.rule.replaceAll('_', ' ')),
      `: ${i.summary} (since ${ago(i.startedAt)})`,
      i.runbook
        ? h(
            'div',
            { class: 'runbook', 'data-role': 'runbook' },
            h('b', {}, i.classification ? `${i.classification.replace('_', ' ')} → ` : 'Runbook → '),
            i.runbook.text,
          )
        : null,
    );
  }

  function account(a: Account): HTMLElement {
    return h(
      'div',
      { class: 'account', 'data-account': a.id, 'data-state': a.state },
      h(
        'div',
        { class: 'row' },
        h('strong', {}, a.id),
        badge(a.state),
        h('span', { class: 'score', 'data-role': 'score' }, a.score === undefined ? '–' : String(a.score)),
      ),
      a.classification !== 'healthy'
        ? h(
            'p',
            { class: 'triage', 'data-role': 'triage' },
            h('b', {}, a.classification.replace('_', ' ')),
            a.failureClass && a.failureClass !== a.classification ? ` (${a.failureClass})` : '',
            ': ',
            a.runbook.text,
          )
        : null,
      h(
        'div',
        { class: 'row small' },
        h(
          'span',
          { class: `pill ${a.breakers.auth}`, 'data-role': 'auth-breaker' },
          `auth ${a.breakers.auth}`,
        ),
        h('span', { class: `pill ${a.breakers.api}`, 'data-role': 'api-breaker' }, `api ${a.breakers.api}`),
        a.probe
          ? h(
              'span',
              { class: `pill ${a.probe.outcome}`, 'data-role': 'probe' },
              `probe ${a.probe.outcome}${a.probe.class ? ` (${a.probe.class})` : ''} · ${a.probe.latencyMs} ms · ${ago(a.probe.at)}`,
            )
          : h('span', { class: 'pill', 'data-role': 'probe' }, 'no probe yet'),
        h('span', { class: 'muted' }, `used ${ago(a.lastUsedAt)}`),
        a.nextExpiry
          ? h(
              'span',
              { class: 'muted', 'data-role': 'next-expiry' },
              `next expiry: ${a.nextExpiry.name} in ${until(a.nextExpiry.at)}`,
            )
          : null,
      ),
      incidentOf(a),
      historyOf(a),
      ...a.tokens.map(timeline),
    );
  }

  function alertItem(a: AlertItem): HTMLElement {
    return h(
      'li',
      { class: `alert ${a.severity} ${a.status}`, 'data-rule': a.rule, 'data-status': a.status },
      h('span', { class: 'badge' }, a.status === 'firing' ? a.severity : 'resolved'),
      ' ',
      a.summary,
      a.triage ? h('div', { class: 'muted' }, a.triage.runbook.text) : null,
      h(
        'div',
        { class: 'muted' },
        a.status === 'firing' ? `since ${ago(a.startedAt)}` : `resolved ${ago(a.resolvedAt)}`,
      ),
    );
  }

  function render(state: State): void {
    byId('carriers').replaceChildren(
      ...state.carriers.map((c) =>
        h(
          'section',
          { class: 'card', 'data-carrier': c.id, 'data-state': c.state },
          h(
            'header',
            {},
            h('h2', {}, c.name),
            badge(c.state),
            h(
              'span',
              { class: 'score big', 'data-role': 'score' },
              c.score === undefined ? '–' : String(c.score),
            ),
          ),
          ...c.accounts.map(account),
        ),
      ),
    );
    const open = state.alerts.open;
    byId('alerts').replaceChildren(
      ...(open.length ? open.map(alertItem) : [h('li', { class: 'muted' }, 'No open alert.')]),
    );
    byId('history').replaceChildren(
      ...(state.alerts.recent.length
        ? state.alerts.recent.slice(0, 20).map(alertItem)
        : [h('li', { class: 'muted' }, 'Nothing yet.')]),
    );
    byId('failovers').replaceChildren(
      ...(state.failovers.length
        ? state.failovers
            .slice(0, 20)
            .map((f) =>
              h(
                'li',
                {},
                `${ago(f.at)}: ${f.operation} for ${f.requested} served by ${f.servedBy ?? 'nobody'}${f.reason ? ` (${f.reason})` : ''}`,
              ),
            )
        : [h('li', { class: 'muted' }, 'No failover.')]),
    );
    byId('status').textContent = `Live · updated ${new Date(state.generatedAt).toLocaleTimeString()}`;
    byId('status').dataset.live = 'true';
  }

  function showLogin(message: string): void {
    byId('login').hidden = false;
    byId('board').hidden = true;
    byId('login-error').textContent = message;
  }

  async function poll(): Promise<void> {
    const key = sessionStorage.getItem(STORAGE);
    if (!key) return showLogin('');
    try {
      const res = await fetch('/admin/dashboard/state', {
        headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
        cache: 'no-store',
      });
      if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem(STORAGE);
        return showLogin(res.status === 403 ? 'That key is not an admin key.' : 'That key is not valid.');
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      byId('login').hidden = true;
      byId('board').hidden = false;
      render((await res.json()) as State);
    } catch (error) {
      byId('status').textContent =
        `Disconnected (${error instanceof Error ? error.message : 'error'}); retrying`;
      byId('status').dataset.live = 'false';
    }
    timer = setTimeout(() => void poll(), pollMs);
  }

  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('admin-key') as HTMLInputElement;
    sessionStorage.setItem(STORAGE, input.value.trim());
    input.value = '';
    if (timer !== undefined) clearTimeout(timer);
    void poll();
  });
  byId('logout').addEventListener('click', () => {
    sessionStorage.removeItem(STORAGE);
    if (timer !== undefined) clearTimeout(timer);
    showLogin('');
  });
  void poll();
}
