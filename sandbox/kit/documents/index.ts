/** The document generators behind SimContext.documents. */
import type { DocumentKit } from '../types.ts';
import { gif } from './gif.ts';
import { pdf } from './pdf.ts';
import { png } from './png.ts';
import { zpl } from './zpl.ts';

export const MEDIA_TYPES: Record<string, string> = {
  PDF: 'application/pdf',
  ZPL: 'application/x-zpl',
  PNG: 'image/png',
  GIF: 'image/gif',
};

export function createDocumentKit(): DocumentKit {
  return {
    pdf,
    zpl,
    png,
    gif,
    render(format, lines) {
      const upper = format.toUpperCase();
      const mediaType = MEDIA_TYPES[upper];
      if (mediaType === undefined) throw new Error(`unknown document format ${format}`);
      const bytes =
        upper === 'PDF'
          ? pdf(lines)
          : upper === 'PNG'
            ? png(lines)
            : upper === 'GIF'
              ? gif(lines)
              : Buffer.from(zpl(lines));
      return { bytes, mediaType };
    },
  };
}
