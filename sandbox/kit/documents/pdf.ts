/**
 * A minimal but valid PDF 1.4: one 4x6 inch page, Helvetica text (a standard font, so
 * viewers and pdfjs extract the text) and barcode-like bars; xref offsets computed exactly.
 */

const PAGE_W = 288;
const PAGE_H = 432;

/** PDF string literal escaping; non-ASCII becomes '?' since the file is pure ASCII. */
function pdfString(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function contentStream(lines: string[]): string {
  const ops: string[] = ['BT', '/F1 11 Tf', '14 TL', `20 ${PAGE_H - 36} Td`];
  lines.forEach((line, i) => {
    if (i > 0) ops.push('T*');
    ops.push(`${pdfString(line)} Tj`);
  });
  ops.push('ET');
  // Bars derived from the first line, so each label looks different.
  const seed = lines[0] ?? '';
  let x = 20;
  for (let i = 0; i < 60 && x < PAGE_W - 20; i++) {
    const code = seed.charCodeAt(i % Math.max(seed.length, 1)) || 48;
    const w = 1 + ((code + i) % 3);
    ops.push(`${x} 40 ${w} 70 re f`);
    x += w + 1 + ((code * 7 + i) % 3);
  }
  return ops.join('\n');
}

export function pdf(lines: string[]): Uint8Array {
  const content = contentStream(lines);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  // The binary comment line tells transports the file is binary (PDF 32000-1 7.5.2).
  let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
