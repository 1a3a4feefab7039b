/**
 * PDF labels from a carrier that prints only images, over HTTP: UPS is asked for its PNG and
 * the answer is a PDF (opened by pdfjs-dist) whose one 4 x 6 in page holds that image, fitted
 * without distortion; the label says it was converted. ZPL is never converted, and a
 * PDF request may fail over to an image-only carrier.
 */
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESSES, type GatewayHarness, startGatewayHarness } from '../support/gateway-harness.ts';

interface LabelAnswer {
  carrier: string;
  format: string;
  mediaType: string;
  data: string;
  conversion?: {
    from: string;
    to: string;
    converted: boolean;
    pageSizeInches?: { width: number; height: number };
  };
  routing: { servedBy: string; failedOver: boolean };
}

const LABEL = {
  carrier: 'ups',
  shipper: { ...ADDRESSES.atlanta, name: 'Shop', phone: '4045550100' },
  recipient: { ...ADDRESSES.newYork, name: 'Ada Shopper', phone: '2125550100' },
  parcels: [{ weight: { value: 1.2, unit: 'kg' } }],
  serviceLevel: 'ground',
  format: 'PDF',
  reference: 'pdf-label',
};

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];

/** The page box, and where the one image lands on it (the unit square through the CTM). */
async function layoutOf(pdf: Uint8Array) {
  const task = getDocument({ data: pdf, verbosity: 0 });
  const doc = await task.promise;
  expect(doc.numPages).toBe(1);
  const page = await doc.getPage(1);
  const ops = await page.getOperatorList();
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const images: { name: string; corners: [number, number][] }[] = [];
  ops.fnArray.forEach((fn, i) => {
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.paintImageXObject) {
      const m = ctm;
      const at = (x: number, y: number): [number, number] => [
        m[0] * x + m[2] * y + m[4],
        m[1] * x + m[3] * y + m[5],
      ];
      images.push({ name: String(args[0]), corners: [at(0, 0), at(1, 0), at(0, 1), at(1, 1)] });
    }
  });
  const image = images[0];
  if (images.length !== 1 || !image) throw new Error(`expected one image, found ${images.length}`);
  const xs = image.corners.map((c) => c[0]);
  const ys = image.corners.map((c) => c[1]);
  const data = (await new Promise((resolve) => page.objs.get(image.name, resolve))) as {
    width: number;
    height: number;
  };
  const result = {
    view: page.view,
    box: { left: Math.min(...xs), right: Math.max(...xs), bottom: Math.min(...ys), top: Math.max(...ys) },
    pixels: { width: data.width, height: data.height },
  };
  await task.destroy();
  return result;
}

/** The width and height a PNG declares (IHDR). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('PDF labels from image-only carriers', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({ carriers: ['ups', 'fedex', 'usps'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('converts a UPS label asked as PDF: one 4 x 6 in page holding its image, fitted', async () => {
    // The same shipment as PNG first: the image UPS prints for it (its size depends on the text).
    const asPng = await h.request<LabelAnswer>(
      'POST',
      '/v1/labels',
      { ...LABEL, format: 'PNG' },
      {
        'idempotency-key': `pdf-${crypto.randomUUID()}`,
      },
    );
    expect(asPng.status).toBe(201);
    const printed = pngSize(new Uint8Array(Buffer.from(asPng.body.data, 'base64')));
    const before = (await h.control.labels('ups')).length;
    const answer = await h.request<LabelAnswer>('POST', '/v1/labels', LABEL, {
      'idempotency-key': `pdf-${crypto.randomUUID()}`,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      carrier: 'ups',
      format: 'PDF',
      mediaType: 'application/pdf',
      conversion: { from: 'PNG', to: 'PDF', converted: true, pageSizeInches: { width: 4, height: 6 } },
    });
    const labels = await h.control.labels('ups');
    expect(labels.length).toBe(before + 1);
    expect(labels.at(-1)?.format).toBe('PNG');

    const pdf = new Uint8Array(Buffer.from(answer.body.data, 'base64'));
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const { view, box, pixels } = await layoutOf(pdf);
    expect(view).toEqual([0, 0, 288, 432]); // 4 x 6 in at 72 pt per inch
    // The carrier's own image, pixel for pixel: not resampled.
    expect(pixels).toEqual(printed);
    // Fitted: inside the page, touching two opposite edges, centred, proportions kept.
    const eps = 0.01;
    expect(box.left).toBeGreaterThanOrEqual(-eps);
    expect(box.bottom).toBeGreaterThanOrEqual(-eps);
    expect(box.right).toBeLessThanOrEqual(288 + eps);
    expect(box.top).toBeLessThanOrEqual(432 + eps);
    const fillsWidth = Math.abs(box.right - box.left - 288) < eps;
    const fillsHeight = Math.abs(box.top - box.bottom - 432) < eps;
    expect(fillsWidth || fillsHeight).toBe(true);
    expect(Math.abs(box.left + box.right - 288)).toBeLessThan(eps);
    expect(Math.abs(box.bottom + box.top - 432)).toBeLessThan(eps);
    const drawn = (box.right - box.left) / (box.top - box.bottom);
    const turned = pixels.width > pixels.height; // a landscape image is turned onto the portrait page
    const ratio = turned ? pixels.height / pixels.width : pixels.width / pixels.height;
    expect(Math.abs(drawn - ratio)).toBeLessThan(0.001);
  });

  it('keeps ZPL native, and answers PNG as printed', async () => {
    for (const format of ['ZPL', 'PNG']) {
      const answer = await h.request<LabelAnswer>(
        'POST',
        '/v1/labels',
        { ...LABEL, format },
        { 'idempotency-key': `pdf-${crypto.randomUUID()}` },
      );
      expect(answer.status).toBe(201);
      expect(answer.body.format).toBe(format);
      expect(answer.body.conversion).toBeUndefined();
    }
  });

  it('still refuses a format neither printed nor convertible', async () => {
    const answer = await h.request(
      'POST',
      '/v1/labels',
      { ...LABEL, carrier: 'fedex', format: 'GIF' },
      {
        'idempotency-key': `pdf-${crypto.randomUUID()}`,
      },
    );
    expect(answer.status).toBe(422);
  });

  it('fails a PDF request over to an image-only carrier, converted', async () => {
    const breaker = h.composed.gateway.board.for('fedex', 'fedex-sandbox').auth;
    breaker.forceOpen();
    const answer = await h.request<LabelAnswer>(
      'POST',
      '/v1/labels',
      { ...LABEL, carrier: 'fedex', failover: ['ups'] },
      { 'idempotency-key': `pdf-${crypto.randomUUID()}` },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.routing).toMatchObject({ servedBy: 'ups', failedOver: true });
    expect(answer.body).toMatchObject({ format: 'PDF', conversion: { from: 'PNG', converted: true } });
    breaker.forceClose();
  });
});
