/** A plausible ZPL II label (4x6 in at 203 dpi): one text field per line, a Code 128 barcode. */

/** ^ and ~ start ZPL commands; they cannot appear inside field data. */
const fieldData = (text: string): string => text.replace(/[\^~]/g, ' ');

export function zpl(lines: string[]): string {
  const out = ['^XA', '^CI28', '^PW812', '^LL1218', '^LH0,0'];
  lines.forEach((line, i) => {
    out.push(`^FO40,${40 + i * 50}^A0N,36,36^FD${fieldData(line)}^FS`);
  });
  const first = lines[0];
  if (first !== undefined) {
    out.push(`^FO40,${80 + lines.length * 50}^BY3^BCN,160,Y,N,N^FD${fieldData(first)}^FS`);
  }
  out.push('^XZ');
  return `${out.join('\n')}\n`;
}
