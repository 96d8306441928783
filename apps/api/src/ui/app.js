// The Token Seeder page: choose an input and its mapping, submit, follow the request to its end, download the output,
// read its errors and duplicates, and come back to recent requests. Plain DOM, no framework, no build step.
import { ApiCallError, apiKey, callJson, clearApiKey, describeError, envelopeOf, setApiKey, setUnauthorizedHandler } from './api.js';
import { $, el } from './dom.js';
import { setupFollow, stopTracking, track, trackedId } from './follow.js';
import { chosenMapping, currentInput, setAuthFields, setupInput } from './mapping.js';
import { timeText } from './report.js';

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
  forgetRecent();
  stopTracking();
  history.replaceState(null, '', location.pathname);
  $('progress-card').hidden = true;
  $('recent-table').tBodies[0].replaceChildren();
  $('recent-table').parentElement.hidden = true;
  $('recent-note').textContent = 'Signed out.';
  showSession();
  $('file').focus();
});

// ---- submission -----------------------------------------------------------------------------------------------
$('submit-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('submit-error');
  error.hidden = true;
  const input = currentInput();
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
    remember(answer.request_identifier);
    void loadRecent();
  } catch (err) {
    error.textContent = describeError(err);
    error.hidden = false;
  } finally {
    $('submit').disabled = false;
    $('submit').textContent = 'Submit';
  }
});


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

// The requests submitted from this browser. The server lists a signed-in caller's own requests; without caller
// authentication it lists only requests named by id (listing all would show every visitor every output).
const RECENT_IDS = 'mts.recentIds';
function recentIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(RECENT_IDS) ?? '[]');
    return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string').slice(0, 20) : [];
  } catch {
    return [];
  }
}
function remember(id) {
  localStorage.setItem(RECENT_IDS, JSON.stringify([id, ...recentIds().filter((x) => x !== id)].slice(0, 20)));
}
function forgetRecent() {
  localStorage.removeItem(RECENT_IDS);
}

async function loadRecent() {
  const note = $('recent-note');
  const body = $('recent-table').tBodies[0];
  const mine = recentIds();
  if (!apiKey() && mine.length === 0) {
    body.replaceChildren();
    $('recent-table').parentElement.hidden = true;
    note.textContent = 'No requests yet.';
    return;
  }
  try {
    const query = apiKey() ? 'limit=20' : `limit=20&ids=${mine.map(encodeURIComponent).join(',')}`;
    const { requests } = await callJson(`authtoken/requests?${query}`);
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
    note.textContent = err instanceof ApiCallError && (err.status === 404 || err.status === 405) ? 'This server does not list requests.' : `Recent requests could not be read: ${describeError(err)}`;
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
  setupInput();
  setupFollow({ finished: () => void loadRecent() });
  showSession();
  void offerOutputs();
  try {
    const { authfields } = await callJson('authtoken/authfields');
    if (Array.isArray(authfields) && authfields.length) setAuthFields(authfields);
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
  if (id && id !== trackedId()) track(id);
}


void start();
