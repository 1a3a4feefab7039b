/** La Poste Okapi Suivi v2: GET /suivi/v2/idships/{1..10 comma-separated ids}, X-Okapi-Key. */
import type { Hono } from 'hono';
import type { AnyContext, SimAccount, SimContext } from '../../../sandbox/kit/index.ts';
import { apiGuard } from '../../../sandbox/kit/index.ts';
import { MAX_IDS_PER_TRACKING_CALL } from '../profile.ts';
import { okapiJson, okapiRenderer } from './renderers.ts';
import { errorEntry, shipmentEntry, VALID_ID } from './suivi.ts';

const LANGS: ReadonlySet<string> = new Set(['fr_FR', 'en_GB', 'de_DE', 'es_ES', 'it_IT', 'nl_NL']);

function authenticate(sim: SimContext) {
  return (c: AnyContext): SimAccount | undefined => {
    const key = c.req.header('X-Okapi-Key');
    return key ? sim.accounts.bySecret('okapiKey', key) : undefined;
  };
}

export function registerSuiviRoutes(app: Hono, sim: SimContext): void {
  app.get(
    '/suivi/v2/idships/:ids',
    apiGuard(sim, okapiRenderer, { endpoint: 'track', auth: authenticate(sim) }),
    (c) => {
      const lang = c.req.query('lang') ?? 'fr_FR';
      const ids = c.req
        .param('ids')
        .split(',')
        .map((s) => decodeURIComponent(s).trim());
      // Accept: application/json is required (XML is deprecated); the answer shape for a miss is assumed.
      const accept = c.req.header('accept') ?? '';
      if (
        !/application\/json/i.test(accept) ||
        !LANGS.has(lang) ||
        ids.length > MAX_IDS_PER_TRACKING_CALL ||
        ids.some((id) => id === '')
      )
        return okapiJson(400, errorEntry(LANGS.has(lang) ? lang : 'fr_FR', 400, ids.join(',')));

      const entries = ids.map((id) => {
        if (!VALID_ID.test(id)) return { status: 400, body: errorEntry(lang, 400, id) };
        const record = sim.labels.find(id);
        const history = record && sim.labels.events(id);
        if (!record || !history || history.length === 0)
          return { status: 404, body: errorEntry(lang, 104, id) };
        return { status: 200, body: shipmentEntry(lang, record, history) };
      });
      const [only] = entries;
      // One id: its own status; a found shipment is an array, an error an object (recorded shapes).
      if (entries.length === 1 && only)
        return okapiJson(only.status, only.status === 200 ? [only.body] : only.body);
      const mixed = entries.some((e) => e.status !== 200);
      return okapiJson(
        mixed ? 207 : 200,
        entries.map((e) => e.body),
      );
    },
  );
}
