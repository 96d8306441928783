// A 16-digit (or longer) integer somewhere in the text: the only case where JSON.parse can lose digits of an id.
const LONG_DIGITS = /\d{16}/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * `JSON.parse`, except that an integer a double cannot hold exactly (beyond ±2^53) is kept as the string of its
 * digits, so an id sent as a JSON number (a 16-digit VID, an ODK integer question) reaches IDA and the output as
 * sent, as it does in MTS (Python reads integers exactly; pydantic turns them into text), where `JSON.parse` would
 * round `9007199254740993` to `9007199254740992`. Only numbers in a value's place are quoted, so an invalid text
 * stays invalid; floats are left to round as they do everywhere. Text without a run of 16 digits is parsed as is.
 *
 * @example
 * ```ts
 * parseJsonExact('{"vid": 9007199254740993, "n": 5}'); // { vid: '9007199254740993', n: 5 }
 * ```
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(mayLoseDigits(text) ? quoteUnsafeIntegers(text) : text);
}

/**
 * Whether `JSON.parse` could lose digits of `text` (it holds a run of 16 digits), so that {@link parseJsonExact}
 * reads it differently: a caller that already has `JSON.parse`'s result need parse again only then.
 */
export function mayLoseDigits(text: string): boolean {
  return LONG_DIGITS.test(text);
}

function quoteUnsafeIntegers(text: string): string {
  // Where a value may start: at the top, after `:`, after `[`, and after `,` inside an array (not before a key).
  const arrays: boolean[] = [];
  let valueNext = true;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      valueNext = false;
    } else if (c === 0x5b || c === 0x7b) {
      arrays.push(c === 0x5b);
      valueNext = c === 0x5b;
    } else if (c === 0x5d || c === 0x7d) {
      arrays.pop();
      valueNext = false;
    } else if (c === 0x3a) {
      valueNext = true;
    } else if (c === 0x2c) {
      valueNext = arrays.length > 0 && arrays[arrays.length - 1]!;
    } else {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      if (valueNext && INTEGER.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end - 1;
      valueNext = false;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
