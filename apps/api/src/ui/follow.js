// Following one request: its status, progress, rate and ETA while it runs; then its output (kept for the Download
// button), its errors by code and its duplicate report.
import { ApiCallError, callFile, callJson, describeError } from './api.js';
import { $, el } from './dom.js';
import { durationText, errorsByCode, rateText, sizeChart } from './report.js';

const POLL_MS = 500;
const SUMMARY_MAX_BYTES = 20 * 1024 * 1024;
const TABLE_MAX_GROUPS = 200;

/** The request being followed; a new one stops the old loop. */
let tracking = null;
let onFinished = () => {};

/** `finished` is called when a followed request ends (the recent list is refreshed then). */
export function setupFollow({ finished }) {
  onFinished = finished;
  $('download').addEventListener('click', saveOutput);
}

/** The id of the request being followed, or null. */
export function trackedId() {
  return tracking?.id ?? null;
}

export function stopTracking() {
  if (tracking) tracking.stopped = true;
  tracking = null;
}

export function track(id, output) {
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
      showRequestError(gone ? 'No such request: it expired, or it belongs to another caller.' : describeError(err));
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
  onFinished();
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
    if (!run.stopped) note.textContent = `No output to download: ${describeError(err)}`;
  }
}

function showErrors(groups) {
  const body = $('errors-table').tBodies[0];
  body.replaceChildren();
  if (!groups || groups.length === 0) return;
  for (const g of groups) body.append(el('tr', {}, el('th', { scope: 'row' }, el('code', {}, g.code)), el('td', {}, g.count.toLocaleString()), el('td', {}, g.message)));
  $('errors-box').hidden = false;
}

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
    summary.textContent = `The duplicate report could not be read: ${describeError(err)}`;
  }
}

/** Saves the fetched output as a file: a link to the blob, clicked (a plain link could not carry the API key). */
function saveOutput() {
  const run = tracking;
  if (!run?.blob) return;
  const url = URL.createObjectURL(run.blob);
  const link = el('a', { href: url, download: `${run.id}.${run.output}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function sizeText(bytes) {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
