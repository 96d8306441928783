/**
 * Rewrites every line end outside quoted fields to the file's first one, so that a file mixing LF, CRLF and CR
 * (rows pasted together from different exports) reads as the same rows. Line ends inside quoted fields are data
 * and stay as written. Quotes are tracked by parity, as RFC 4180 quoting allows (`""` toggles out and back in).
 */
export async function* uniformLineEnds(source: AsyncIterable<string>): AsyncGenerator<string> {
  let target: string | undefined;
  let inQuote = false;
  let carry = ''; // a CR ending a chunk may be the first half of a CRLF

  const rewrite = (text: string): string => {
    if (target === undefined) target = firstLineEnd(text);
    if (target === undefined || !mixed(text, target)) {
      inQuote = quoteParity(text, inQuote); // nothing to rewrite (the usual case): only the quote state moves on
      return text;
    }
    let out = '';
    let i = 0;
    while (i < text.length) {
      const q = text.indexOf('"', i);
      const end = q === -1 ? text.length : q + 1;
      const segment = text.slice(i, end);
      out += inQuote || !mixed(segment, target) ? segment : segment.replace(/\r\n|\r|\n/g, target);
      if (q !== -1) inQuote = !inQuote;
      i = end;
    }
    return out;
  };

  for await (const chunk of source) {
    let text = carry + chunk;
    carry = '';
    if (text.endsWith('\r')) {
      carry = '\r';
      text = text.slice(0, -1);
    }
    if (text.length > 0) yield rewrite(text);
  }
  if (carry) yield rewrite(carry);
}

function firstLineEnd(text: string): string | undefined {
  const at = text.search(/[\r\n]/);
  if (at === -1) return undefined;
  return text[at] === '\n' ? '\n' : text[at + 1] === '\n' ? '\r\n' : '\r';
}

/** Whether `text` holds a line end other than `target` (the common case, none, is one native search). */
function mixed(text: string, target: string): boolean {
  if (target === '\n') return text.includes('\r');
  if (target === '\r') return text.includes('\n');
  return /\r(?!\n)|(?<!\r)\n/.test(text);
}

function quoteParity(text: string, inQuote: boolean): boolean {
  for (let q = text.indexOf('"'); q !== -1; q = text.indexOf('"', q + 1)) inQuote = !inQuote;
  return inQuote;
}
