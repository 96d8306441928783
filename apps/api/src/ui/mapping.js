// The input the person chose (a CSV file, a JSON file, pasted JSON) and the mapping form built from its columns.
import { $, el } from './dom.js';
import { columnsOf, guessColumns, parseJsonRecords, readCsvHeader } from './input.js';

const FIELDS = ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'];
const LABELS = { vid: 'VID or UIN', name: 'Name', gender: 'Gender', dob: 'Date of birth', phoneNumber: 'Phone number', emailId: 'Email', fullAddress: 'Address' };
/** Fields MTS joins from several columns. */
const MULTI = new Set(['name', 'fullAddress']);

/** What the person chose as input: a CSV file, or JSON records (from a file or pasted); null before that. */
let input = null;
let authFields = FIELDS;

export function currentInput() {
  return input;
}

/** The auth fields the server names (GET authtoken/authfields); MTS's seven until then. */
export function setAuthFields(fields) {
  authFields = fields;
}

/** Reads the input again whenever the person changes it. */
export function setupInput() {
  for (const radio of document.querySelectorAll('input[name="source"]')) {
    radio.addEventListener('change', () => {
      const paste = radio.value === 'paste' && radio.checked;
      $('file-box').hidden = paste;
      $('paste-box').hidden = !paste;
      void readInput();
    });
  }
  $('file').addEventListener('change', () => void readInput());
  $('delimiter').addEventListener('change', () => void readInput());
  $('no-header').addEventListener('change', () => void readInput());
  $('pasted').addEventListener('change', () => void readInput());
}

let reading = 0;

async function readInput() {
  // Only the latest reading counts: a slower earlier one (another file, another delimiter) is dropped.
  // The page changes once, when the reading is done: a note cleared early would move the controls under the pointer.
  const mine = ++reading;
  const note = $('input-note');
  let next = null;
  let message = '';
  let failed = false;
  try {
    if (document.querySelector('input[name="source"]:checked').value === 'paste') {
      const pasted = $('pasted').value.trim();
      if (pasted) {
        const records = parseJsonRecords(pasted);
        next = { kind: 'json', records, columns: columnsOf(records[0]) };
      }
    } else {
      const file = $('file').files[0];
      if (file && /\.json$/i.test(file.name)) {
        const records = parseJsonRecords(await file.text());
        next = { kind: 'json', records, columns: columnsOf(records[0]), name: file.name };
      } else if (file) {
        const delimiter = $('delimiter').value || ',';
        const header = !$('no-header').checked;
        const cells = await readCsvHeader(file, delimiter);
        if (!cells.length) throw new Error('The file is empty.');
        // Without a header row the mapping names columns by index ("0", "1", …), as the API reads them.
        const columns = header ? cells : cells.map((_, i) => String(i));
        const labels = header ? undefined : cells.map((_, i) => `column ${i + 1}`);
        next = { kind: 'csv', file, delimiter, header, columns, labels, name: file.name };
      }
    }
    if (next) message = next.kind === 'csv' ? `CSV with ${next.columns.length} columns.` : `${next.records.length} JSON records, ${next.columns.length} fields.`;
  } catch (err) {
    message = err.message;
    failed = true;
  }
  if (mine !== reading) return;
  note.textContent = message;
  note.classList.toggle('error', failed);
  const same = input && next && input.kind === next.kind && input.header === next.header && input.columns.join('\n') === next.columns.join('\n');
  input = next;
  // The same columns again (a blur after a change): the person's choices stay.
  if (!same) renderMapping();
}

function renderMapping() {
  const box = $('mapping-fields');
  box.replaceChildren();
  $('mapping').disabled = !input;
  $('mapping-hint').textContent = input
    ? 'Pre-selected by column name: check each one. "(none)" leaves the field out.'
    : 'Choose a file or paste records to see their columns.';
  if (!input) return;
  for (const field of authFields) {
    const guesses = input.labels ? [] : guessColumns(field, input.columns);
    if (MULTI.has(field)) {
      const set = el('fieldset', { className: 'multi' }, el('legend', {}, `${LABELS[field] ?? field} (${field}): one or more columns, joined in order`));
      const list = el('div', { className: 'checks' });
      input.columns.forEach((column, i) => {
        const id = `map-${field}-${i}`;
        const check = el('input', { type: 'checkbox', id, value: column, checked: guesses.includes(column) });
        check.dataset.field = field;
        list.append(el('label', { htmlFor: id, className: 'check' }, check, ` ${input.labels?.[i] ?? column}`));
      });
      set.append(list);
      box.append(set);
    } else {
      const id = `map-${field}`;
      const select = el('select', { id });
      select.dataset.field = field;
      select.append(el('option', { value: '' }, '(none)'));
      input.columns.forEach((column, i) => select.append(el('option', { value: column, selected: column === guesses[0] }, input.labels?.[i] ?? column)));
      box.append(el('div', { className: 'pick' }, el('label', { htmlFor: id }, `${LABELS[field] ?? field} (${field})`), select));
    }
  }
}

/** The envelope's `request.mapping` from the choices: only fields mapped to something. */
export function chosenMapping() {
  const mapping = {};
  for (const select of $('mapping-fields').querySelectorAll('select')) if (select.value) mapping[select.dataset.field] = select.value;
  for (const box of $('mapping-fields').querySelectorAll('input[type="checkbox"]:checked')) {
    (mapping[box.dataset.field] ??= []).push(box.value);
  }
  return mapping;
}
