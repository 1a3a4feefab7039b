/** Colissimo SLS answer bodies, and the multipart/related envelope with a RAW binary label part. */
import { randomUUID } from 'node:crypto';

export interface SlsMessageOut {
  id: string;
  type: 'ERROR' | 'INFOS' | 'WARNING';
  messageContent: string;
  replacementValues: string[];
}

export const SUCCESS_MESSAGE: SlsMessageOut = {
  id: '0',
  type: 'INFOS',
  messageContent: 'La requête a été traitée avec succès',
  replacementValues: [],
};

export function slsErrorBody(id: string, messageContent: string): { messages: SlsMessageOut[] } {
  return { messages: [{ id, type: 'ERROR', messageContent, replacementValues: [] }] };
}

/** The error answer of generateLabel carries the same JSON as the label answer, without a label. */
export function slsLabelErrorInfo(id: string, messageContent: string): Record<string, unknown> {
  return { ...slsErrorBody(id, messageContent), labelXmlV2Reponse: null, labelV2Response: null };
}

/**
 * The recorded framing: a CRLF preamble, `--uuid:...` delimiters, a `<jsonInfos>` JSON part,
 * then (on success) a `<label>` application/octet-stream part holding the raw document bytes.
 */
export function slsMultipart(
  info: unknown,
  label?: Uint8Array,
): { bytes: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `uuid:${randomUUID()}`;
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [
    enc.encode(
      `\r\n--${boundary}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <jsonInfos>\r\n\r\n${JSON.stringify(info)}\r\n`,
    ),
  ];
  if (label) {
    chunks.push(
      enc.encode(
        `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <label>\r\n\r\n`,
      ),
      label,
      enc.encode('\r\n'),
    );
  }
  chunks.push(enc.encode(`--${boundary}--`));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return {
    bytes,
    contentType: `multipart/related; type="application/json"; boundary="${boundary}"; start="<jsonInfos>"`,
  };
}
