// Python's strptime('%Y/%m/%d') or ('%Y-%m-%d') as MTS uses it: four-digit year, one- or two-digit month and day,
// a real calendar date, one separator kind throughout.
const DOB = /^(\d{4})([/-])(1[0-2]|0[1-9]|[1-9])\2(3[01]|[12]\d|0[1-9]|[1-9])$/;

/** `YYYY/MM/DD` or `YYYY-MM-DD` (month and day may be unpadded) → zero-padded `YYYY/MM/DD`; anything else unchanged. */
export function normaliseDob(dob: string): string {
  const m = DOB.exec(dob);
  if (m === null) return dob;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (year < 1 || day > daysInMonth(year, month)) return dob;
  return `${m[1]}/${m[3].padStart(2, '0')}/${m[4].padStart(2, '0')}`;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
