/**
 * Where a JSON text stops being JSON, as a line and a column (1-based), found with the
 * runtime's own parser: V8 names a position for most errors, but not for an unexpected
 * token where a value should start (`undefined`, a comment, a trailing comma in an array)
 * nor for a text that ends too early. Never returns any of the text (it may hold secrets
 * someone pasted by mistake).
 */
export interface JsonErrorLocation {
  line: number;
  column: number;
  /** The text ended before the JSON value did. */
  endOfInput: boolean;
}

type Verdict = 'valid' | 'incomplete' | 'invalid' | number;

/** How JSON.parse judges `text`: valid, valid so far (it ended too early), or wrong at an offset. */
function verdict(text: string): Verdict {
  try {
    JSON.parse(text);
    return 'valid';
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/unexpected end of JSON input/i.test(message)) return 'incomplete';
    const at = /at position (\d+)/.exec(message);
    if (at === null) return 'invalid';
    const offset = Number(at[1]);
    return offset >= text.length ? 'incomplete' : offset;
  }
}

function lineAndColumn(text: string, offset: number, endOfInput: boolean): JsonErrorLocation {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n'), endOfInput };
}

export function jsonErrorLocation(text: string): JsonErrorLocation | undefined {
  const whole = verdict(text);
  if (whole === 'valid') return undefined;
  if (whole === 'incomplete') return lineAndColumn(text, text.length, true);
  if (typeof whole === 'number') return lineAndColumn(text, whole, false);
  // No position given: the shortest prefix that is already wrong ends at the offending character.
  let low = 1;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const v = verdict(text.slice(0, mid));
    if (v === 'invalid' || typeof v === 'number') high = mid;
    else low = mid + 1;
  }
  const v = verdict(text.slice(0, low));
  return lineAndColumn(text, typeof v === 'number' ? v : low - 1, false);
}
