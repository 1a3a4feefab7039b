/**
 * PDF labels from carriers that print only images: the carrier is asked for a PNG, and the
 * image is placed on one page of the label's physical size (4 x 6 in unless the carrier says
 * otherwise), turned a quarter when its orientation differs from the page's, scaled to fit
 * without distortion (barcodes keep their proportions) and centred. ZPL is never converted:
 * it is printer code, not a picture.
 *
 * The library is @cantoo/pdf-lib, the maintained fork of pdf-lib (whose last release is from
 * 2021): the same API, pure JavaScript, so it runs on Node and in workerd alike. It is loaded
 * on the first conversion only.
 */
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { LabelFormat } from '../domain/shipment.ts';

/** Image formats the gateway can place into a PDF. */
const CONVERTIBLE: readonly LabelFormat[] = ['PNG'];

const POINTS_PER_INCH = 72;

/** The physical label size when a carrier declares none: the common 4 x 6 in thermal label. */
export const DEFAULT_LABEL_SIZE_IN = { width: 4, height: 6 } as const;

/** What the gateway asks the carrier for, and what it answers the caller. */
export interface LabelPlan {
  ask: LabelFormat;
  /** Set when the carrier's document is converted before the answer. */
  convertTo?: 'PDF' | undefined;
}

/** The format to ask `carrier` for; undefined when it can neither print nor be converted to `requested`. */
export function planLabel(carrier: CarrierDefinition, requested: LabelFormat): LabelPlan | undefined {
  if (carrier.labelFormats.includes(requested)) return { ask: requested };
  if (requested !== 'PDF') return undefined;
  const source = CONVERTIBLE.find((f) => carrier.labelFormats.includes(f));
  return source === undefined ? undefined : { ask: source, convertTo: 'PDF' };
}

export interface PageSizeInches {
  width: number;
  height: number;
}

/** One PDF page of `size` holding the PNG image, fitted and centred (turned a quarter if need be). */
export async function pngToPdf(
  png: Uint8Array,
  size: PageSizeInches = DEFAULT_LABEL_SIZE_IN,
): Promise<Uint8Array> {
  const { PDFDocument, degrees } = await import('@cantoo/pdf-lib');
  const doc = await PDFDocument.create();
  doc.setProducer('carrier-gateway');
  doc.setCreator('carrier-gateway');
  const pageW = size.width * POINTS_PER_INCH;
  const pageH = size.height * POINTS_PER_INCH;
  const page = doc.addPage([pageW, pageH]);
  const image = await doc.embedPng(png);
  const turn = image.width > image.height !== pageW > pageH;
  // The image's extent on the page once turned: its width runs up the page.
  const boxW = turn ? image.height : image.width;
  const boxH = turn ? image.width : image.height;
  const scale = Math.min(pageW / boxW, pageH / boxH);
  const drawnW = boxW * scale;
  const drawnH = boxH * scale;
  const left = (pageW - drawnW) / 2;
  const bottom = (pageH - drawnH) / 2;
  page.drawImage(image, {
    // A quarter turn counter-clockwise about (x, y): the image then extends left of x.
    x: turn ? left + drawnW : left,
    y: bottom,
    width: image.width * scale,
    height: image.height * scale,
    ...(turn ? { rotate: degrees(90) } : {}),
  });
  return doc.save();
}
