/**
 * The DHL Parcel DE answers the first mapping lost (issue 16): an invalid or shortened base64
 * label, a successful multi-status answer with one broken document, and labels delivered as
 * a link (fetched over HTTP from the simulator, its media type checked).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCarrierJson } from '../../../src/carrier/json.ts';
import { boughtLabel } from '../../../src/carrier/outcomes.ts';
import { type ScriptedProxy, startProxy } from '../../../test/contract/support/proxy.ts';
import { type CarrierHarness, startCarrierHarness } from '../../../test/support/carrier-harness.ts';
import { carrier } from '../index.ts';
import { inlineDocument, readOrderAnswer } from '../mapping/labels.ts';
import { SERVICES } from '../profile.ts';
import { createSimulator } from '../simulator/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixture bodies are edited freely
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const WHO = { carrier: 'dhl-parcel-de', account: { id: 't', environment: 'sandbox' as const, settings: {} } };

function labelOf(json: unknown) {
  const answer = readOrderAnswer(json);
  const documents = answer.created.map((s) => {
    const doc = inlineDocument(s);
    if ('url' in doc) throw new Error('a link');
    return doc;
  });
  return boughtLabel(WHO, {
    trackingNumber: answer.created[0]?.shipmentNo,
    documents,
    requested: 'PDF',
    status: 200,
  });
}

const PDF_B64 = btoa('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('DHL Parcel DE: an invalid or shortened base64 label keeps the shipment', () => {
  it.each([
    ['shortened', PDF_B64.slice(0, -3)],
    ['invalid', 'JVBERi0x*@!'],
  ])('%s base64: the shipment number stays, the document is reported unreadable', (_kind, b64) => {
    const body = fixture('label-response-single.json');
    body.items[0].label.b64 = b64;
    const label = labelOf(body);
    expect(label.trackingNumber).toBe('0034043333301010000010001');
    expect(label.document).toBeUndefined();
    expect(label.missingDocument?.reason).toBe('unreadable');
  });

  it('a 207 whose second document is broken keeps both shipment numbers', () => {
    const item = (shipmentNo: string, b64: string) => ({
      shipmentNo,
      sstatus: { title: 'OK', statusCode: 200 },
      label: { b64, fileFormat: 'PDF' },
    });
    const label = labelOf({
      status: { title: 'Multistatus', statusCode: 207 },
      items: [item('00340434161094015902', PDF_B64), item('00340434161094015919', 'JVBER')],
    });
    expect(label.trackingNumber).toBe('00340434161094015902');
    expect(new TextDecoder().decode(label.document!.subarray(0, 5))).toBe('%PDF-');
    expect(label.warnings).toContain('1 further label document(s) could not be read');
  });
});

describe('DHL Parcel DE: a shipment number written as a bare 18-digit integer', () => {
  it('is read as the digits written (the spec example; the schema types it as a string)', () => {
    const text =
      '{"status":{"statusCode":200},"items":[{"shipmentNo":340434310428091700,"sstatus":{"status":200}}]}';
    expect(readOrderAnswer(parseCarrierJson(text)).created[0]?.shipmentNo).toBe('340434310428091700');
    // Without the exact reader the number has lost its digits: no shipment number, never a wrong one.
    const rounded = readOrderAnswer(JSON.parse(text));
    expect(rounded.created).toEqual([]);
    expect(rounded.unidentified).toBe(1);
  });
});

describe('DHL Parcel DE: labels delivered as a link are fetched', () => {
  let h: CarrierHarness;
  let proxy: ScriptedProxy;
  beforeAll(async () => {
    h = await startCarrierHarness(carrier, createSimulator);
    proxy = await startProxy();
    proxy.target(new URL(h.simulatorUrl).origin);
    const base = h.accounts[0]!;
    const settings = { ...base.settings, labelDelivery: 'url' };
    const viaProxy = Object.fromEntries(
      Object.keys(base.baseUrls).map((k) => [k, `${proxy.url}/dhl-parcel-de`]),
    );
    h.accounts.push(
      { ...base, id: 'by-link', settings },
      { ...base, id: 'by-link-proxy', settings, baseUrls: viaProxy },
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  const request = (format: 'PDF' | 'ZPL') => ({
    service: SERVICES.find((s) => s.code === 'V01PAK')!,
    shipper: {
      company: 'Shop GmbH',
      lines: ['Sträßchensweg 10'],
      city: 'Bonn',
      postalCode: '53113',
      countryCode: 'DE',
    },
    recipient: {
      name: 'Maria Musterfrau',
      lines: ['Invalidenstr. 1'],
      city: 'Berlin',
      postalCode: '10115',
      countryCode: 'DE',
    },
    parcels: [{ weight: { value: 1.2, unit: 'kg' as const } }],
    format,
  });

  it('fetches the PDF and the ZPL behind the links, with their media types', async () => {
    const pdf = await carrier.createLabel(h.context('by-link'), request('PDF'));
    expect(pdf).toMatchObject({ format: 'PDF', mediaType: 'application/pdf' });
    expect(new TextDecoder().decode(pdf.document!.subarray(0, 5))).toBe('%PDF-');
    const zpl = await carrier.createLabel(h.context('by-link'), request('ZPL'));
    expect(zpl).toMatchObject({ format: 'ZPL', mediaType: 'application/x-zpl' });
    expect(new TextDecoder().decode(zpl.document!)).toContain(zpl.trackingNumber);
  });

  it('a link serving something else than a label: the shipment kept, the document unreadable', async () => {
    proxy.script({
      carrier: 'dhl-parcel-de',
      method: 'GET',
      path: /\/labels$/,
      edit: (answer) => ({
        ...answer,
        headers: { 'content-type': 'text/html' },
        body: new TextEncoder().encode('<html>login</html>'),
      }),
    });
    const label = await carrier.createLabel(h.context('by-link-proxy'), request('PDF'));
    expect(label.trackingNumber).toMatch(/^00340434/);
    expect(label.missingDocument).toMatchObject({ reason: 'unreadable' });
    expect(label.missingDocument?.detail).toContain('text/html');
  });

  it('a link outside the carrier host is not fetched: the shipment kept, the link given back', async () => {
    proxy.script({
      carrier: 'dhl-parcel-de',
      method: 'POST',
      path: /\/orders$/,
      edit: (answer) => {
        const body = JSON.parse(new TextDecoder().decode(answer.body));
        body.items[0].label.url = 'https://elsewhere.example/label.pdf';
        return { ...answer, body: new TextEncoder().encode(JSON.stringify(body)) };
      },
    });
    const label = await carrier.createLabel(h.context('by-link-proxy'), request('PDF'));
    expect(label.trackingNumber).toMatch(/^00340434/);
    expect(label.missingDocument).toMatchObject({
      reason: 'not_fetched',
      url: 'https://elsewhere.example/label.pdf',
    });
  });
});
