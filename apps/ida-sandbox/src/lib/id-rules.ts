import { isVerhoeffValid, verhoeffDigit } from './verhoeff.js';

/** Lengths from MOSIP's defaults (`mosip.kernel.uin.length`, `mosip.kernel.vid.length`). */
export const UIN_LENGTH = 10;
export const VID_LENGTH = 16;

/** What IDA itself checks: length and Verhoeff digit (IdValidationUtil). */
export function isValidUin(id: string): boolean {
  return id.length === UIN_LENGTH && isVerhoeffValid(id);
}

/** What IDA itself checks: length and Verhoeff digit (IdValidationUtil). */
export function isValidVid(id: string): boolean {
  return id.length === VID_LENGTH && isVerhoeffValid(id);
}

function hasSequence(id: string, limit: number): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < id.length; i++) {
    const step = id.charCodeAt(i) - id.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    if (up >= limit || down >= limit) return true;
  }
  return false;
}

/**
 * MOSIP's id-generator filters (UinFilterUtil / VidFilterUtils defaults), which keep generated ids from looking
 * patterned. IDA does not check these; the sandbox applies them so its ids look like real ones.
 */
export function passesIdFilters(id: string, kind: 'UIN' | 'VID'): boolean {
  if (id[0] === '0' || id[0] === '1') return false;
  if (hasSequence(id, 3)) return false;
  if (/(\d)\d?\1/.test(id)) return false; // a digit repeating within 2 positions: 11 or 1x1
  if (/(\d{2}).*\1/.test(id)) return false; // a 2-digit block appearing twice
  if (id.includes('786') || id.includes('666')) return false;
  if (kind === 'UIN') {
    if (/[2468]{3}/.test(id)) return false;
    const first = id.slice(0, 5);
    const last = id.slice(-5);
    if (first === last || first === [...last].reverse().join('')) return false;
  }
  return true;
}

/**
 * Draws a UIN or VID from `nextDigit` (a source of digits 0–9): the body is drawn until the full id, with its
 * Verhoeff digit, passes the filters.
 */
export function generateId(kind: 'UIN' | 'VID', nextDigit: () => number): string {
  const length = kind === 'UIN' ? UIN_LENGTH : VID_LENGTH;
  for (;;) {
    let body = '';
    for (let i = 0; i < length - 1; i++) body += String(nextDigit());
    const id = body + String(verhoeffDigit(body));
    if (passesIdFilters(id, kind)) return id;
  }
}
