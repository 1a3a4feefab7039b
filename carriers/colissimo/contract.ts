/**
 * La Poste Colissimo in the contract suite (src/carrier/contract.ts): sample label, wire path,
 * and edits of its multipart/related label answer (a JSON part and a raw label part).
 */

import { readFileSync } from 'node:fs';
import {
  bodyJson,
  type CarrierContract,
  type Json,
  type WireAnswer,
  type WireEdit,
} from '../../src/carrier/contract.ts';
import {
  boundaryOf,
  findPart,
  type MultipartPart,
  partJson,
  readMultipart,
} from '../../src/carrier/multipart.ts';

const encoder = new TextEncoder();

/** Writes parts back as multipart/related with the answer's boundary. */
function written(
  answer: WireAnswer,
  parts: { headers: Record<string, string>; body: Uint8Array }[],
): WireAnswer {
  const boundary = boundaryOf(answer.headers['content-type']) ?? 'contract';
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const head = Object.entries(part.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    chunks.push(encoder.encode(`--${boundary}\r\n${head}\r\n\r\n`), part.body, encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { ...answer, body };
}

/** An edit of the multipart label answer: change its JSON part, or leave out its label part. */
function multipartEdit(change: (info: Json) => void, dropLabel = false): WireEdit {
  return (answer) => {
    const boundary = boundaryOf(answer.headers['content-type']);
    if (!boundary) return answer;
    const parts: MultipartPart[] = readMultipart(answer.body, boundary);
    const info = findPart(parts, 'jsonInfos');
    const json = partJson(info);
    change(json);
    return written(
      answer,
      parts
        .filter((p) => !(dropLabel && p.contentId === 'label'))
        .map((p) => (p === info ? { headers: p.headers, body: encoder.encode(JSON.stringify(json)) } : p)),
    );
  };
}

const paris = {
  name: 'Boutique',
  phone: '0140000000',
  lines: ['10 rue de Rivoli'],
  city: 'Paris',
  postalCode: '75001',
  countryCode: 'FR',
};

/** A recorded answer stored as `{status, headers, body | bodyText}` (fixtures/README.md). */
function recorded(name: string): WireAnswer {
  const f = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
  const text: string = f.bodyText ?? JSON.stringify(f.body);
  return { status: f.status, headers: f.headers, body: encoder.encode(text) };
}

/** The jsonInfos part of a multipart label answer, read and written back. */
const jsonInfos = {
  read: (answer: WireAnswer): Json => {
    const boundary = boundaryOf(answer.headers['content-type']) ?? '';
    return partJson(findPart(readMultipart(answer.body, boundary), 'jsonInfos'));
  },
  write: (answer: WireAnswer, json: Json): WireAnswer =>
    multipartEdit((info) => {
      for (const key of Object.keys(info)) delete info[key];
      Object.assign(info, json);
    })(answer),
};

export const contract: CarrierContract = {
  label: {
    service: 'DOM',
    shipper: paris,
    recipient: {
      name: 'Claire Dupont',
      lines: ['5 avenue Anatole France'],
      city: 'Paris',
      postalCode: '75007',
      countryCode: 'FR',
    },
    parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
    format: 'PDF',
  },
  // Rates come from a dated table: nothing on the wire.
  wire: {
    label: { method: 'POST', path: /^\/sls-ws\/SlsServiceWSRest\/2\.0\/generateLabel$/, fault: 'label' },
    track: { method: 'GET', path: /^\/suivi\/v2\/idships\//, fault: 'track' },
  },
  edits: {
    nulls: {
      label: multipartEdit((info) => {
        Object.assign(info.labelV2Response, { parcelNumberPartner: null, pdfUrl: null, fields: null });
        info.labelXmlV2Reponse = null;
        for (const m of info.messages) m.replacementValues = null;
      }),
    },
    withoutDocument: multipartEdit(() => undefined, true),
  },
  fixtures: [
    {
      name: 'colissimo/generateLabel-response-multipart.json',
      operation: 'label',
      answer: () => recorded('colissimo/generateLabel-response-multipart.json'),
      json: jsonInfos,
    },
    {
      name: 'laposte/suivi-200-delivered.json',
      operation: 'track',
      trackingNumber: 'EW112720413FR',
      answer: () => recorded('laposte/suivi-200-delivered.json'),
      json: bodyJson,
    },
  ],
  refusedSecrets: { password: 'not-the-password' },
};
