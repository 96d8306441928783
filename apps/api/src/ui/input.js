// Reading the person's input in the browser, only to offer its columns for the mapping: the CSV header row (from
// the file's first 64 KiB) or the first JSON record's keys. The file itself goes to the server as it is.

import { csvRows } from './csv.js';

const HEAD_BYTES = 65536;

/** The first row of a CSV file (RFC 4180 quoting, any line ending, a UTF-8 BOM dropped). */
export async function readCsvHeader(file, delimiter = ',') {
  const text = (await file.slice(0, HEAD_BYTES).text()).replace(/^\uFEFF/, '');
  const [cells = []] = csvRows(text, { delimiter, limit: 1 });
  return cells.map((c) => c.trim()).filter((c, i, all) => c !== '' || i < all.length - 1);
}

/** The records of a JSON text: an array, or an MTS envelope / object holding `authdata`. Throws a readable Error. */
export function parseJsonRecords(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`This is not JSON: ${err.message}`);
  }
  const records = Array.isArray(value) ? value : (value?.request?.authdata ?? value?.authdata);
  if (!Array.isArray(records)) throw new Error('Expected a JSON array of records (or an envelope with request.authdata).');
  if (records.length === 0) throw new Error('The array holds no records.');
  if (records.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) throw new Error('Every record must be a JSON object.');
  return records;
}

/** The field paths of a record, nested objects as dotted paths (as the mapping reads them), a few levels deep. */
export function columnsOf(record, prefix = '', depth = 0) {
  const out = [];
  for (const [key, value] of Object.entries(record)) {
    const path = prefix + key;
    if (value && typeof value === 'object' && !Array.isArray(value) && depth < 3) out.push(...columnsOf(value, `${path}.`, depth + 1));
    else out.push(path);
  }
  return out;
}

const ALIASES = {
  vid: ['vid', 'uin', 'individualid', 'id'],
  name: ['name', 'fullname', 'firstname', 'lastname', 'givenname', 'familyname'],
  gender: ['gender', 'sex'],
  dob: ['dob', 'dateofbirth', 'birthdate', 'born'],
  phoneNumber: ['phonenumber', 'phone', 'mobile', 'mobilenumber'],
  emailId: ['emailid', 'email', 'mail'],
  fullAddress: ['fulladdress', 'address', 'addressline1', 'addressline2', 'addressline3', 'city', 'postalcode'],
};

const squash = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Columns that look like the field (by name), in the file's order; the first is the best guess. */
export function guessColumns(field, columns) {
  const names = ALIASES[field] ?? [squash(field)];
  const exact = columns.filter((c) => squash(c.split('.').pop()) === squash(field));
  if (exact.length) return exact;
  return columns.filter((c) => names.includes(squash(c.split('.').pop())));
}
