/**
 * Colissimo SLS label routes: generateLabel (multipart/related answer with a RAW binary label)
 * and checkGenerateLabel (same body, JSON answer, no label). Credentials: `apiKey` header, or
 * contractNumber + password at the top of the JSON body.
 */
import type { Hono } from 'hono';
import type { AnyContext, SimAccount, SimContext } from '../../../sandbox/kit/index.ts';
import { apiGuard, guardedAccount } from '../../../sandbox/kit/index.ts';
import { PATHS } from '../profile.ts';
import { slsJson, slsRenderer } from './renderers.ts';
import { SlsLabelBody, validateLabelBody } from './sls-validation.ts';
import { SUCCESS_MESSAGE, slsErrorBody, slsLabelErrorInfo, slsMultipart } from './sls-wire.ts';

const FORMAT_OF_PRINTING_TYPE = (type: string): 'PDF' | 'ZPL' => (type.startsWith('ZPL') ? 'ZPL' : 'PDF');

/** The JSON body, or undefined when it is not JSON (Hono caches the raw body for the route). */
async function jsonBody(c: AnyContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

function authenticate(sim: SimContext) {
  return async (c: AnyContext): Promise<SimAccount | undefined> => {
    const apiKey = c.req.header('apiKey');
    if (apiKey) return sim.accounts.bySecret('apiKey', apiKey);
    const body = SlsLabelBody.safeParse(await jsonBody(c));
    if (!body.success || !body.data.contractNumber || !body.data.password) return undefined;
    const account = sim.accounts.bySecret('contractNumber', body.data.contractNumber);
    return account?.secrets.password === body.data.password ? account : undefined;
  };
}

/** Parses and validates; answers the SLS 400 shape on failure. */
async function readLabel(c: AnyContext, asMultipart: boolean) {
  const parsed = SlsLabelBody.safeParse(await jsonBody(c));
  const validation = parsed.success
    ? validateLabelBody(parsed.data)
    : ({ ok: false, id: '30015', message: 'Le code produit est incorrect' } as const);
  if (validation.ok) return { label: validation.label };
  if (!asMultipart) return { error: slsJson(400, slsErrorBody(validation.id, validation.message)) };
  // generateLabel errors are plain JSON in every recording except the 30000 one.
  return { error: slsJson(400, slsLabelErrorInfo(validation.id, validation.message)) };
}

function parcelNumberPartner(trackingNumber: string, zipCode: string): string {
  return `0075${zipCode.padStart(5, '0').slice(0, 5)}${trackingNumber}0250N`;
}

export function registerSlsRoutes(app: Hono, sim: SimContext): void {
  const auth = authenticate(sim);

  app.post(PATHS.checkGenerateLabel, apiGuard(sim, slsRenderer, { endpoint: 'check', auth }), async (c) => {
    const read = await readLabel(c, false);
    if (read.error) return read.error;
    return slsJson(200, { messages: [SUCCESS_MESSAGE] });
  });

  app.post(PATHS.generateLabel, apiGuard(sim, slsRenderer, { endpoint: 'label', auth }), async (c) => {
    const read = await readLabel(c, true);
    if (read.error) return read.error;
    const { label } = read;
    const account = guardedAccount(c) as SimAccount;
    const format = FORMAT_OF_PRINTING_TYPE(label.printingType);
    const record = sim.labels.create({
      accountId: account.id,
      service: label.productCode,
      format,
      ...(label.reference ? { reference: label.reference } : {}),
      meta: { recipientCountry: label.recipient.countryCode, weightKg: label.weightKg },
    });
    const lines = [
      record.trackingNumber,
      `Colissimo ${label.productCode}`,
      label.recipient.name.toUpperCase(),
      label.recipient.line2.toUpperCase(),
      `${label.recipient.zipCode} ${label.recipient.city.toUpperCase()}`.trim(),
      label.recipient.countryCode,
      `${label.weightKg} Kg`,
    ];
    const document =
      format === 'ZPL' ? new TextEncoder().encode(sim.documents.zpl(lines)) : sim.documents.pdf(lines);
    const info = {
      messages: [SUCCESS_MESSAGE],
      labelXmlV2Reponse: null,
      labelV2Response: {
        parcelNumber: record.trackingNumber,
        parcelNumberPartner: parcelNumberPartner(record.trackingNumber, label.recipient.zipCode),
        pdfUrl: null,
        fields: null,
      },
    };
    const { bytes, contentType } = slsMultipart(info, document);
    return new Response(bytes, { status: 200, headers: { 'content-type': contentType } });
  });
}
