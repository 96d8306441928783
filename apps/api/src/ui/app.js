// The Token Seeder page: choose an input and its mapping, submit, follow the request to its end, download the output,
// read its errors and duplicates, and come back to recent requests. Plain DOM, no framework, no build step.
import { ApiCallError, apiKey, callFile, callJson, clearApiKey, envelopeOf, setApiKey, setUnauthorizedHandler } from './api.js';
import { columnsOf, guessColumns, parseJsonRecords, readCsvHeader } from './input.js';
import { durationText, el, errorsByCode, rateText, sizeChart, timeText } from './report.js';

const $ = (id) => document.getElementById(id);
const FIELDS = ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'];
const LABELS = { vid: 'VID or UIN', name: 'Name', gender: 'Gender', dob: 'Date of birth', phoneNumber: 'Phone number', emailId: 'Email', fullAddress: 'Address' };
/** Fields MTS joins from several columns. */
const MULTI = new Set(['name', 'fullAddress']);
const POLL_MS = 500;
const SUMMARY_MAX_BYTES = 20 * 1024 * 1024;
const TABLE_MAX_GROUPS = 200;

/** What the person chose as input: a CSV file, or JSON records (from a file or pasted). */
let input = null;
let authFields = FIELDS;
/** The request being followed; a new one stops the old loop. */
let tracking = null;

// ---- sign-in -------------------------------------------------------------------------------------------------
let waitingForKey = null;

function askForKey(refusal, hadKey) {
  if (!waitingForKey) {
    waitingForKey = new Promise((resolve) => {
      $('sign-in-reason').textContent = hadKey ? `The key was refused (${refusal.code}). Enter another API key.` : 'This server needs an API key.';
      $('sign-in').hidden = false;
      $('api-key').value = '';
      $('api-key').focus();
      $('sign-in-form').onsubmit = (event) => {
        event.preventDefault();
        const key = $('api-key').value.trim();
        if (!key) return $('api-key').focus();
        setApiKey(key);
        $('sign-in').hidden = true;
        showSession();
        waitingForKey = null;
        resolve();
      };
    });
  }
  return waitingForKey;
}

function showSession() {
  $('session').hidden = !apiKey();
}

$('sign-out').addEventListener('click', () => {
  clearApiKey();
  stopTracking();
  history.replaceState(null, '', location.pathname);
  $('progress-card').hidden = true;
  $('recent-table').tBodies[0].replaceChildren();
  $('recent-table').parentElement.hidden = true;
  $('recent-note').textContent = 'Signed out.';
  showSession();
  $('file').focus();
});

// ---- input and mapping ------------------------------------------------------------------------------------------
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

let reading = 0;

async function readInput() {
  // Only the latest reading counts: a slower earlier one (another file, another delimiter) is dropped.
  // The page changes once, when the reading is done: a note cleared early would move the controls under the pointer.
  const mine = ++reading;
  const note = $('input-note');
  let next = null;
  let text = '';
  let failed = false;
  try {
    if (document.querySelector('input[name="source"]:checked').value === 'paste') {
      const text = $('pasted').value.trim();
      if (text) {
        const records = parseJsonRecords(text);
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
    if (next) text = next.kind === 'csv' ? `CSV with ${next.columns.length} columns.` : `${next.records.length} JSON records, ${next.columns.length} fields.`;
  } catch (err) {
    text = err.message;
    failed = true;
  }
  if (mine !== reading) return;
  note.textContent = text;
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
function chosenMapping() {
  const mapping = {};
  for (const select of $('mapping-fields').querySelectorAll('select')) if (select.value) mapping[select.dataset.field] = select.value;
  for (const box of $('mapping-fields').querySelectorAll('input[type="checkbox"]:checked')) {
    (mapping[box.dataset.field] ??= []).push(box.value);
  }
  return mapping;
}

// ---- submission -----------------------------------------------------------------------------------------------
$('submit-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('submit-error');
  error.hidden = true;
  if (!input) {
    error.textContent = 'Choose a CSV or JSON file, or paste JSON records, first.';
    error.hidden = false;
    return;
  }
  const output = document.querySelector('input[name="output"]:checked').value;
  const request = { output, deliverytype: 'download', mapping: chosenMapping() };
  $('submit').disabled = true;
  $('submit').textContent = input.kind === 'csv' ? 'Uploading…' : 'Sending…';
  try {
    let answer;
    if (input.kind === 'csv') {
      if (input.delimiter !== ',') request.csvDelimiter = input.delimiter;
      if (!input.header) request.csvHeader = false;
      const form = new FormData();
      form.append('request', JSON.stringify(envelopeOf(request)));
      form.append('csv_file', input.file, input.name);
      answer = await callJson('authtoken/csv', { method: 'POST', body: form });
    } else {
      const body = JSON.stringify(envelopeOf({ ...request, authdata: input.records }));
      answer = await callJson('authtoken/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    }
    track(answer.request_identifier, output);
    void loadRecent();
  } catch (err) {
    error.textContent = describe(err);
    error.hidden = false;
  } finally {
    $('submit').disabled = false;
    $('submit').textContent = 'Submit';
  }
});

function describe(err) {
  if (err instanceof ApiCallError) {
    if (err.status === 403) return `This key may not do that (${err.code}).`;
    return `${err.code}: ${err.message}`;
  }
  return `The server could not be reached (${err.message}).`;
}

// ---- progress -------------------------------------------------------------------------------------------------
function stopTracking() {
  if (tracking) tracking.stopped = true;
  tracking = null;
}

function track(id, output) {
  stopTracking();
  const run = { id, output, stopped: false, samples: [], lastStatus: null, lastQuarter: -1, blob: null };
  tracking = run;
  $('progress-card').hidden = false;
  $('request-id').textContent = id;
  history.replaceState(null, '', `#request=${encodeURIComponent(id)}`);
  $('done-box').hidden = true;
  $('request-error').hidden = true;
  $('status-text').textContent = '…';
  $('status-words').textContent = 'Asking…';
  setProgress(0, 0);
  for (const c of ['total', 'processed', 'error', 'invalid']) $(`c-${c}`).textContent = '0';
  $('c-rate').textContent = '–';
  $('c-eta').textContent = '–';
  // Keyboard and screen-reader users land on the request they are now following.
  $('progress-title').tabIndex = -1;
  $('progress-title').focus({ preventScroll: true });
  $('progress-card').scrollIntoView({ block: 'start' });
  void poll(run);
}

async function poll(run) {
  while (!run.stopped) {
    let status;
    try {
      status = await callJson(`authtoken/status/${encodeURIComponent(run.id)}`);
    } catch (err) {
      if (run.stopped) return;
      const gone = err instanceof ApiCallError && err.status === 404;
      showRequestError(gone ? 'No such request: it expired, or it belongs to another caller.' : describe(err));
      if (gone) return;
      await sleep(POLL_MS * 4);
      continue;
    }
    if (run.stopped) return;
    $('request-error').hidden = true;
    const finished = showStatus(run, status);
    if (finished) return finish(run, status);
    await sleep(POLL_MS);
  }
}

function showStatus(run, status) {
  const counts = status.counts ?? { total: 0, processed: 0, error: 0, invalid: 0 };
  const done = counts.processed + counts.error + counts.invalid;
  const finished = /^(processed|error_)/.test(status.status);
  const percent = finished ? 100 : counts.total > 0 ? Math.floor((done / counts.total) * 100) : 0;
  $('status-text').textContent = status.status;
  $('status-words').textContent = statusWords(status.status);
  for (const c of ['total', 'processed', 'error', 'invalid']) $(`c-${c}`).textContent = counts[c].toLocaleString();
  setProgress(percent, done);

  const now = performance.now();
  run.samples.push([now, done]);
  while (run.samples.length > 2 && now - run.samples[0][0] > 15000) run.samples.shift();
  const [t0, d0] = run.samples[0];
  const rate = now > t0 ? ((done - d0) * 1000) / (now - t0) : 0;
  $('c-rate').textContent = finished ? '–' : rateText(rate);
  const left = counts.total - done;
  const eta = finished ? null : rate > 0 ? (left * 1000) / rate : status.eta ? Date.parse(status.eta) - Date.now() : null;
  $('c-eta').textContent = finished ? 'done' : eta === null ? '–' : durationText(eta);

  // Announced on a change of status and at each quarter, not at every poll.
  const quarter = Math.floor(percent / 25);
  if (status.status !== run.lastStatus || quarter !== run.lastQuarter) {
    $('announce').textContent = `${statusWords(status.status)}: ${percent} % of the records answered.`;
    run.lastStatus = status.status;
    run.lastQuarter = quarter;
  }
  return finished;
}

const STATUS_WORDS = {
  submitted: 'Waiting to start',
  processing: 'Working',
  processed: 'Done',
  processed_with_errors: 'Done, some records failed',
};

function statusWords(status) {
  if (STATUS_WORDS[status]) return STATUS_WORDS[status];
  if (/^error_making_/.test(status)) return 'Delivery failed (the output can still be downloaded)';
  return /^error/.test(status) ? 'Failed' : status;
}

function setProgress(percent, done) {
  const bar = $('progress-bar');
  bar.value = percent;
  bar.textContent = `${percent} %`;
  bar.setAttribute('aria-valuetext', `${percent} % (${done.toLocaleString()} records answered)`);
  $('percent').textContent = `${percent} %`;
}

function showRequestError(text) {
  $('request-error').textContent = text;
  $('request-error').hidden = false;
}

async function finish(run, status) {
  $('done-box').hidden = false;
  if (status.errorCode) showRequestError(`The request ended with ${status.errorCode}.`);
  void loadRecent();
  await Promise.all([loadOutput(run), loadDuplicates(run, status)]);
}

/** Fetches the output once (kept for the Download button) and groups its errors by code. */
async function loadOutput(run) {
  const note = $('download-note');
  note.textContent = 'Fetching the output…';
  $('download').disabled = true;
  $('errors-box').hidden = true;
  try {
    const res = await callFile(`authtoken/file/${encodeURIComponent(run.id)}`);
    const type = res.headers.get('content-type') ?? '';
    run.output = /csv/.test(type) ? 'csv' : /ndjson/.test(type) ? 'ndjson' : 'json';
    run.blob = await res.blob();
    if (run.stopped) return;
    note.textContent = `${run.output.toUpperCase()}, ${sizeText(run.blob.size)}.`;
    $('download').disabled = false;
    if (run.blob.size <= SUMMARY_MAX_BYTES) showErrors(errorsByCode(await run.blob.text(), run.output));
  } catch (err) {
    if (!run.stopped) note.textContent = `No output to download: ${describe(err)}`;
  }
}

function showErrors(groups) {
  const body = $('errors-table').tBodies[0];
  body.replaceChildren();
  if (!groups || groups.length === 0) return;
  for (const g of groups) body.append(el('tr', {}, el('th', { scope: 'row' }, el('code', {}, g.code)), el('td', {}, g.count.toLocaleString()), el('td', {}, g.message)));
  $('errors-box').hidden = false;
}

$('download').addEventListener('click', () => {
  const run = tracking;
  if (!run?.blob) return;
  const url = URL.createObjectURL(run.blob);
  const link = el('a', { href: url, download: `${run.id}.${run.output}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
});

async function loadDuplicates(run, status) {
  const summary = $('dups-summary');
  $('dups-detail').hidden = true;
  if (status.duplicateGroups === undefined) {
    summary.textContent = 'No duplicate report for this request.';
    return;
  }
  if (status.duplicateGroups === 0) {
    summary.textContent = 'No two records received the same token.';
    return;
  }
  summary.textContent = 'Loading the duplicate report…';
  try {
    const report = await callJson(`authtoken/duplicates/${encodeURIComponent(run.id)}?format=json`);
    if (run.stopped) return;
    const groups = report.duplicates ?? [];
    summary.textContent = `${report.groups.toLocaleString()} group${report.groups === 1 ? '' : 's'} of records received the same token (${report.records.toLocaleString()} records in all): probably the same person listed more than once.`;
    $('dups-chart').replaceChildren(sizeChart(groups));
    const body = $('dups-table').tBodies[0];
    body.replaceChildren(
      ...groups.slice(0, TABLE_MAX_GROUPS).map((g) => el('tr', {}, el('th', { scope: 'row' }, String(g.group)), el('td', {}, String(g.count)), el('td', {}, g.lineNumbers.join(', ')))),
    );
    $('dups-more').hidden = groups.length <= TABLE_MAX_GROUPS;
    $('dups-more').textContent = `The first ${TABLE_MAX_GROUPS} groups are shown; the whole report is at authtoken/duplicates/${run.id}?format=csv.`;
    $('dups-detail').hidden = false;
  } catch (err) {
    summary.textContent = `The duplicate report could not be read: ${describe(err)}`;
  }
}

// ---- recent requests ------------------------------------------------------------------------------------------
const RECENT_COLUMNS = ['Request', 'Status', 'Input → output', 'Records', 'Created'];
/** authtoken/json's records are stored as NDJSON: the person sent JSON. */
const INPUT_NAMES = { ndjson: 'json' };

/** A cell that carries its column's name, shown beside it where the table is stacked (phones). */
function cell(label, content) {
  const td = el('td', {}, content);
  td.dataset.label = label;
  return td;
}

$('refresh').addEventListener('click', () => void loadRecent());

async function loadRecent() {
  const note = $('recent-note');
  const body = $('recent-table').tBodies[0];
  try {
    const { requests } = await callJson('authtoken/requests?limit=20');
    note.textContent = requests.length ? '' : 'No requests yet.';
    $('recent-table').parentElement.hidden = requests.length === 0;
    body.replaceChildren(
      ...requests.map((r) => {
        const open = el('button', { type: 'button', className: 'link' }, r.requestId);
        open.setAttribute('aria-label', `Show request ${r.requestId}`);
        open.addEventListener('click', () => track(r.requestId, r.output));
        const c = r.counts ?? { total: 0, processed: 0, error: 0, invalid: 0 };
        const records = `${c.processed.toLocaleString()} / ${c.total.toLocaleString()} tokens${c.error + c.invalid ? `, ${(c.error + c.invalid).toLocaleString()} failed` : ''}`;
        const cells = [open, r.status, `${INPUT_NAMES[r.inputKind] ?? r.inputKind} → ${r.output}`, records, timeText(r.createdAt)];
        return el('tr', {}, ...cells.map((content, i) => cell(RECENT_COLUMNS[i], content)));
      }),
    );
  } catch (err) {
    body.replaceChildren();
    $('recent-table').parentElement.hidden = true;
    note.textContent = err instanceof ApiCallError && (err.status === 404 || err.status === 405) ? 'This server does not list requests.' : `Recent requests could not be read: ${describe(err)}`;
  }
}

// ---- start ----------------------------------------------------------------------------------------------------
async function offerOutputs() {
  // ndjson is offered where the server's OpenAPI document knows it.
  try {
    const res = await fetch(new URL('../openapi.json', document.baseURI), { cache: 'no-store' });
    if (res.ok && outputEnumHas(await res.json(), 'ndjson')) {
      $('outputs').append(el('label', {}, el('input', { type: 'radio', name: 'output', value: 'ndjson' }), ' NDJSON'));
    }
  } catch {
    // CSV and JSON stay.
  }
}

/** Whether some schema in the document has an `output` property whose `enum` lists `value`. */
function outputEnumHas(node, value, depth = 0) {
  if (!node || typeof node !== 'object' || depth > 40) return false;
  const output = node.properties?.output;
  if (output && Array.isArray(output.enum) && output.enum.includes(value)) return true;
  return Object.values(node).some((child) => outputEnumHas(child, value, depth + 1));
}

async function start() {
  setUnauthorizedHandler(askForKey);
  showSession();
  void offerOutputs();
  try {
    const { authfields } = await callJson('authtoken/authfields');
    if (Array.isArray(authfields) && authfields.length) authFields = authfields;
  } catch {
    // MTS's seven fields.
  }
  openLinkedRequest();
  window.addEventListener('hashchange', openLinkedRequest);
  await loadRecent();
}

/** A link to a request (`ui/#request=<id>`, as the page sets it) opens that request. */
function openLinkedRequest() {
  const linked = /^#request=([^&]+)$/.exec(location.hash);
  const id = linked ? decodeURIComponent(linked[1]) : null;
  if (id && id !== tracking?.id) track(id);
}

function sizeText(bytes) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

void start();
