// The web page in real Chromium (playwright-core driving the Debian chromium): IDA sandbox, worker and API on
// port 0 as in e2e.test.ts. Screenshots at desktop and phone width go to a folder the run prints
// (MTS_UI_SCREENSHOTS, else a temp dir that is kept).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTempDir, findExecutable, requires, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createApp, createFileUploadStorage, createLogger, hashApiKey, loadConfig, startApi, type RequestsPort, type RunningApi } from '../src/index.js';
import { fakeEnvelope, fakeRequests } from './fakes.js';
import { listen } from './listen.js';

// The callbacks given to page.evaluate and friends run in the browser; these are the few of its globals they use
// (this test compiles with Node's lib, not the DOM's).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const sessionStorage: any;
declare function getComputedStyle(element: unknown): { outlineStyle: string };
type HTMLOptionElement = { value: string; textContent: string | null };
type HTMLInputElement = { value: string; labels?: ArrayLike<unknown> | null };
/* eslint-enable @typescript-eslint/no-explicit-any */

jest.setTimeout(120_000);
const SAMPLE_CSV = join(__dirname, '../../../docs/examples/sample.csv');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Identity {
  uin: string;
  status: string;
  demoAuthLocked: boolean;
  vids: { vid: string; status: string; expiresAt: string | null }[];
  attributes: Record<string, unknown>;
}
const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : String(v));

/** Presses Tab (only the keyboard) until the focused element matches `selector`. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: findExecutable(process.env['CHROMIUM_BIN'] ? [process.env['CHROMIUM_BIN']] : ['chromium', 'chromium-browser']),
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
}

let shotsDir: string | undefined;
/** One folder for the run's screenshots, printed once. */
function screenshotDir(): string {
  if (!shotsDir) {
    shotsDir = process.env['MTS_UI_SCREENSHOTS'] ?? mkdtempSync(join(tmpdir(), 'mts-ui-screenshots-'));
    mkdirSync(shotsDir, { recursive: true });
    console.log(`web page screenshots: ${shotsDir}`);
  }
  return shotsDir;
}

requires('chromium')('web page in Chromium (sandbox + worker + API)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let worker: RunningWorker;
  let api: RunningApi;
  /** The same store and worker behind an API with caller authentication on (API keys A and B). */
  let authApi: RunningApi;
  let context: BrowserContext;
  let shots: string;
  let usable: Identity[];
  const KEY_A = 'registry-a-key-000000000000000000001';
  const KEY_B = 'registry-b-key-000000000000000000002';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = await createTempDir('api-ui-');
    // The default demo identities: docs/examples/sample.csv names them.
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida') });
    const raw = JSON.parse(readFileSync(sandbox.identitiesPath, 'utf8'));
    usable = ((Array.isArray(raw) ? raw : raw.identities) as Identity[]).filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: Buffer.alloc(32, 5).toString('base64'), MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4', MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
    api = await startApi(loadConfig(env), { logger: silent });
    const keysFile = join(dir.path, 'keys.json');
    const fast = { N: 1024, r: 8, p: 1 };
    writeFileSync(keysFile, JSON.stringify([{ caller: 'registry-a', hash: await hashApiKey(KEY_A, fast) }, { caller: 'registry-b', hash: await hashApiKey(KEY_B, fast) }]));
    authApi = await startApi(loadConfig({ ...env, MTS_API_KEYS_FILE: keysFile }), { logger: silent });
    context = await launch(join(dir.path, 'chromium-profile'));
    context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(err.message)));
    shots = screenshotDir();
  });
  afterAll(async () => {
    await context?.close();
    await Promise.all([api?.close(), authApi?.close()]);
    await worker?.stop();
    await sandbox?.close();
    await dir?.remove();
  });
  afterEach(() => {
    // No script error on the page (a CSP refusal or a bug in app.js would show here).
    expect(pageErrors).toEqual([]);
  });

  it('is served at ui/ with a strict Content-Security-Policy, and / leads to it', async () => {
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await fetch(`${api.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    // No other origin: every asset is the page's own.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await fetch(`${api.url}/ui/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${api.url}/ui/nothing.js`)).status).toBe(404);
  });

  it('uploads the sample CSV, maps its columns, follows it to 100 %, and downloads the output', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await page.setInputFiles('#file', SAMPLE_CSV);
    // The header row is read in the browser and offered for each field, pre-selected by name.
    await page.waitForSelector('#map-vid option[value="phoneNumber"]', { state: 'attached' });
    expect(await page.$$eval('#map-vid option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', 'vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress']);
    expect(await page.inputValue('#map-vid')).toBe('vid');
    // Every control has a name a screen reader reads (a label, or aria-label).
    const unnamed = await page.$$eval('input, select, textarea, button', (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent!.trim())).map((e) => e.outerHTML),
    );
    expect(unnamed).toEqual([]);
    // Picked by hand: phone number left out, the rest as guessed.
    await page.selectOption('#map-phoneNumber', '');
    expect(await page.isChecked('input[data-field="name"][value="name"]')).toBe(true);
    expect(await page.isChecked('input[data-field="fullAddress"][value="fullAddress"]')).toBe(true);
    await page.check('input[name="output"][value="csv"]');
    await page.click('#submit');

    await page.waitForSelector('#progress-card:not([hidden])');
    const id = (await page.textContent('#request-id'))!;
    expect(id).toMatch(/^\d{2}/);
    await page.waitForFunction(() => document.getElementById('status-text')!.textContent!.startsWith('processed'), undefined, { timeout: 60_000 });
    expect(await page.textContent('#percent')).toBe('100 %');
    expect(await page.getAttribute('#progress-bar', 'value')).toBe('100');
    expect(await page.textContent('#status-text')).toBe('processed_with_errors');
    expect(await page.textContent('#c-total')).toBe('20');
    expect(await page.textContent('#c-processed')).toBe('15');
    expect(await page.textContent('#c-error')).toBe('4');
    expect(await page.textContent('#c-invalid')).toBe('1');

    // Errors by code, read from the output: four IDA refusals and one invalid row.
    await page.waitForSelector('#errors-box:not([hidden])');
    const errorRows = await page.$$eval('#errors-table tbody tr', (rows) => rows.map((r) => [r.children[0]!.textContent, Number(r.children[1]!.textContent)] as [string, number]));
    expect(errorRows.reduce((n, [, count]) => n + count, 0)).toBe(5);
    expect(errorRows.every(([code]) => /^[A-Z]+[-_][A-Z0-9-_]+$/.test(code))).toBe(true);
    expect(await page.textContent('#dups-summary')).toMatch(/No two records/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe(`${id}.csv`);
    const rows = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(rows[0]).toBe('vid,status,token,errorCode,errorMessage');
    expect(rows).toHaveLength(21);
    const byStatus = (s: string) => rows.slice(1).filter((r) => r.split(',')[1] === s);
    expect(byStatus('processed')).toHaveLength(15);
    expect(byStatus('error')).toHaveLength(4);
    expect(byStatus('invalid')).toHaveLength(1);
    // The same bytes as the API serves.
    expect(rows.join('\n')).toBe((await (await fetch(`${api.url}/authtoken/file/${id}`)).text()).trim().split(/\r?\n/).join('\n'));

    // The recent list shows it, newest first.
    await page.waitForSelector(`#recent-table button:has-text("${id}")`);
    expect(await page.$$eval('#recent-table tbody tr', (trs) => trs[0]!.textContent)).toContain(id);
    await page.screenshot({ path: join(shots, 'desktop-1280x800.png'), fullPage: true });
    await page.close();
  });

  it('keyboard only, at phone width: pasted records with other column names, then the duplicate report', async () => {
    // Three people appear 2, 3 and 4 times under their UIN and different VIDs; three appear once.
    const active = (p: Identity) => p.vids.filter((v) => v.status === 'ACTIVE' && v.expiresAt === null).map((v) => v.vid);
    const four = usable.find((p) => active(p).length >= 2)!;
    const [two, three, ...rest] = usable.filter((p) => p !== four && active(p).length >= 1);
    const as = (p: Identity, ref: string) => ({
      ref,
      who: eng(p.attributes['fullName']),
      sx: eng(p.attributes['gender']),
      birthday: String(p.attributes['dateOfBirth']),
      where: ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode']
        .map((k) => (p.attributes[k] === undefined ? undefined : eng(p.attributes[k])))
        .filter(Boolean)
        .join(', '),
    });
    const records = [
      as(four, four.uin), as(two!, two!.uin), as(rest[0]!, rest[0]!.uin), as(three!, three!.uin), as(four, active(four)[0]!),
      as(two!, active(two!)[0]!), as(rest[1]!, rest[1]!.uin), as(three!, active(three!)[0]!), as(four, active(four)[1]!),
      as(three!, three!.uin), as(four, four.uin), as(rest[2]!, rest[2]!.uin),
    ];

    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${api.url}/ui/`);
    await page.waitForSelector('#recent-table tbody tr');
    await tabTo(page, 'input[name="source"][value="file"]');
    await page.keyboard.press('ArrowDown'); // the radio group: "Paste JSON"
    expect(await page.isChecked('input[name="source"][value="paste"]')).toBe(true);
    await tabTo(page, '#pasted');
    await page.keyboard.insertText(JSON.stringify(records, null, 1));
    await page.keyboard.press('Tab'); // leaving the text area reads it
    await page.waitForSelector('#map-vid option[value="ref"]', { state: 'attached' });
    expect(await page.textContent('#input-note')).toBe('12 JSON records, 5 fields.');

    // None of these names is guessed: each is chosen with the keyboard.
    expect(await page.inputValue('#map-vid')).toBe('');
    await tabTo(page, '#map-vid');
    await page.keyboard.type('ref');
    expect(await page.inputValue('#map-vid')).toBe('ref');
    await tabTo(page, 'input[data-field="name"][value="who"]');
    await page.keyboard.press('Space');
    await tabTo(page, '#map-gender');
    await page.keyboard.type('sx');
    await tabTo(page, '#map-dob');
    await page.keyboard.type('birthday');
    await tabTo(page, 'input[data-field="fullAddress"][value="where"]');
    await page.keyboard.press('Space');
    expect([await page.inputValue('#map-gender'), await page.inputValue('#map-dob')]).toEqual(['sx', 'birthday']);
    await tabTo(page, 'input[name="output"][value="csv"]');
    await page.keyboard.press('ArrowDown'); // JSON output
    expect(await page.isChecked('input[name="output"][value="json"]')).toBe(true);
    await tabTo(page, '#submit');
    // The focus is visible: a solid ring around the focused control.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');

    await page.waitForFunction(() => document.getElementById('status-text')!.textContent!.startsWith('processed'), undefined, { timeout: 60_000 });
    expect(await page.textContent('#percent')).toBe('100 %');
    expect(await page.textContent('#c-processed')).toBe('12');
    expect(await page.textContent('#announce')).toBe('Done: 100 % of the records answered.');

    // The duplicate report: three groups, line numbers only, and a bar for each group size (2, 3, 4).
    await page.waitForSelector('#dups-detail:not([hidden])');
    expect(await page.textContent('#dups-summary')).toMatch(/^3 groups of records received the same token \(9 records in all\)/);
    expect(await page.$$eval('#dups-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))).toEqual([
      ['1', '4', '1, 5, 9, 11'],
      ['2', '2', '2, 6'],
      ['3', '3', '4, 8, 10'],
    ]);
    expect(await page.$$eval('#dups-chart svg rect.bar', (bars) => bars.length)).toBe(3);
    expect(await page.getAttribute('#dups-chart svg', 'aria-label')).toBe('Duplicate groups by size: 1 group of 2, 1 group of 3, 1 group of 4');

    // Download with the keyboard: JSON, one token per record, the same token within each group.
    await tabTo(page, '#download');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const out = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { vid: string; status: string; token: string }[];
    expect(out.map((r) => r.vid)).toEqual(records.map((r) => r.ref));
    expect(out.every((r) => r.status === 'processed' && r.token)).toBe(true);
    expect(new Set([0, 4, 8, 10].map((i) => out[i]!.token)).size).toBe(1);

    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(shots, 'phone-375x740.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.close();
  });

  it('opens a request from the recent list, duplicate report and all', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/ui/`);
    await page.waitForSelector('#recent-table tbody tr:nth-child(2)');
    const ids = await page.$$eval('#recent-table tbody button', (bs) => bs.map((b) => b.textContent));
    expect(ids).toHaveLength(2);
    // The newest first: the pasted records with their duplicates.
    await page.click(`#recent-table button:has-text("${ids[0]}")`);
    await page.waitForSelector('#dups-detail:not([hidden])');
    expect(await page.textContent('#request-id')).toBe(ids[0]);
    expect(await page.textContent('#status-text')).toBe('processed');
    expect(new URL(page.url()).hash).toBe(`#request=${ids[0]}`);
    await page.waitForSelector('#download:not([disabled])');
    await page.screenshot({ path: join(shots, 'desktop-duplicates-1280x800.png'), fullPage: true });
    await page.close();
  });

  it('with caller authentication on, one caller signs in and submits, and another cannot see that request', async () => {
    const page = await context.newPage();
    const signIn = async (key: string) => {
      await page.waitForSelector('#sign-in:not([hidden])');
      await page.keyboard.type(key); // the key field has the focus
      await page.keyboard.press('Enter');
      await page.waitForSelector('#sign-in', { state: 'hidden' });
    };
    await page.goto(`${authApi.url}/ui/`);
    await signIn(KEY_A);
    // Requests made while authentication was off belong to nobody: A's list starts empty.
    await page.waitForFunction(() => document.getElementById('recent-note')!.textContent === 'No requests yet.');
    await page.setInputFiles('#file', SAMPLE_CSV);
    await page.waitForSelector('#map-vid option[value="vid"]', { state: 'attached' });
    await page.click('#submit');
    await page.waitForFunction(() => document.getElementById('percent')!.textContent === '100 %', undefined, { timeout: 60_000 });
    const id = (await page.textContent('#request-id'))!;
    await page.waitForSelector('#download:not([disabled])');
    await page.waitForSelector(`#recent-table button:has-text("${id}")`);
    expect(await page.$$eval('#recent-table tbody tr', (trs) => trs.length)).toBe(1);

    // B: signs in after A signs out, sees no request, and A's link answers as an unknown request.
    await page.click('#sign-out');
    expect(await page.evaluate(() => sessionStorage.getItem('mts.apiKey'))).toBeNull();
    await page.reload();
    await signIn(KEY_B);
    await page.waitForFunction(() => document.getElementById('recent-note')!.textContent === 'No requests yet.');
    await page.goto(`${authApi.url}/ui/#request=${id}`);
    await page.waitForSelector('#request-error:not([hidden])');
    expect(await page.textContent('#request-error')).toBe('No such request: it expired, or it belongs to another caller.');
    expect(await page.isVisible('#done-box')).toBe(false);
    // And the API says the same to B directly, while A still reads it.
    expect((await fetch(`${authApi.url}/authtoken/file/${id}`, { headers: { 'x-api-key': KEY_B } })).status).toBe(404);
    expect((await fetch(`${authApi.url}/authtoken/file/${id}`, { headers: { 'x-api-key': KEY_A } })).status).toBe(200);
    await page.close();
  });
});

requires('chromium')('web page against a stand-in API (a key required; a request that advances when told)', () => {
  let dir: TempDir;
  let server: { url: string; close(): Promise<void> };
  let context: BrowserContext;
  let shots: string;
  const KEY = 'synthetic-key-for-tests';
  const seen: (string | undefined)[] = [];
  // A request whose status advances by 10 records at each poll, and stays below 100 % until released.
  const SLOW_ID = '00000000-0000-4000-8000-00000000510a';
  let polls = 0;
  let released = false;
  let submitted: ReturnType<typeof fakeRequests>['submitted'];
  let finishFake: ReturnType<typeof fakeRequests>['finish'];

  beforeAll(async () => {
    dir = await createTempDir('api-ui-auth-');
    const fake = fakeRequests();
    const { port } = fake;
    submitted = fake.submitted;
    finishFake = fake.finish;
    const requests: RequestsPort = {
      ...port,
      async status(id) {
        if (id !== SLOW_ID) return port.status(id);
        polls++;
        const processed = released ? 200 : Math.min(190, polls * 10);
        return { status: released ? 'processed' : 'processing', counts: { total: 200, processed, error: 0, invalid: 0 }, eta: null };
      },
    };
    const inner = createApp({
      settings: { apiPathPrefix: '/', syncOperationMode: false, podName: 'p', workerId: 0, maxUploadBytes: 1 << 20, maxJsonBytes: 1 << 20 },
      logger: createLogger({ silent: true }),
      requests,
      uploads: createFileUploadStorage(join(dir.path, 'uploads')),
      envelope: fakeEnvelope,
      swaggerUiDir: dir.path,
    });
    // What caller auth answers (ATS-AUTH-001 in MTS's envelope) for authtoken/* without the right X-API-Key.
    const outer = express();
    outer.use('/authtoken', (req, res, next) => {
      seen.push(req.get('x-api-key'));
      if (req.get('x-api-key') === KEY) {
        res.locals.caller = 'key:synthetic'; // as the API's own caller authentication records the caller
        return next();
      }
      res.status(401).set('WWW-Authenticate', 'ApiKey').json({ id: 'mosip.token.seeder', version: '1.1.0', metadata: {}, responsetime: new Date().toISOString(), errors: [{ errorCode: 'ATS-AUTH-001', errorMessage: 'Missing or invalid credentials' }], response: null });
    });
    // A document whose envelope lists ndjson among the outputs: the page offers what the server accepts.
    outer.get('/openapi.json', (_req, res) => {
      res.json({ openapi: '3.1.0', components: { schemas: { JsonEnvelope: { properties: { request: { properties: { output: { enum: ['csv', 'json', 'ndjson'] } } } } } } } });
    });
    outer.use(inner);
    server = await listen(outer);
    context = await launch(join(dir.path, 'chromium-profile'));
    shots = screenshotDir();
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await dir?.remove();
  });

  it('asks for a key on 401, sends it on every call, says when a request is unknown, and signs out', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/ui/`);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.screenshot({ path: join(shots, 'sign-in-1280x800.png') });
    await page.keyboard.type('wrong-key');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /refused \(ATS-AUTH-001\)/.test(document.getElementById('sign-in-reason')!.textContent!));
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#sign-in', { state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('recent-note')!.textContent === 'No requests yet.');
    expect(await page.isVisible('#sign-out')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('mts.apiKey'))).toBe(KEY);
    expect(seen).toContain(KEY);

    // A request this caller cannot see (another's, or expired) is a clear message, not a broken page.
    await page.goto(`${server.url}/ui/#request=0012345678`);
    await page.waitForSelector('#request-error:not([hidden])');
    expect(await page.textContent('#request-error')).toBe('No such request: it expired, or it belongs to another caller.');
    expect(await page.isVisible('#sign-in')).toBe(false);

    await page.click('#sign-out');
    expect(await page.evaluate(() => sessionStorage.getItem('mts.apiKey'))).toBeNull();
    expect(await page.isVisible('#sign-out')).toBe(false);
    await page.close();
  });

  it('shows counts, rate and ETA while a request runs, and announces it at each quarter', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/ui/`);
    await page.evaluate((key) => sessionStorage.setItem('mts.apiKey', key), KEY);
    await page.goto(`${server.url}/ui/#request=${SLOW_ID}`);
    await page.reload();
    await page.waitForFunction(() => /rec\/s$/.test(document.getElementById('c-rate')!.textContent!) && /^about /.test(document.getElementById('c-eta')!.textContent!));
    const percent = Number((await page.textContent('#percent'))!.replace(' %', ''));
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(100);
    expect(await page.textContent('#status-text')).toBe('processing');
    expect(await page.getAttribute('#progress-bar', 'aria-valuetext')).toMatch(/^\d+ % \(\d+ records answered\)$/);
    expect(await page.getAttribute('#announce', 'aria-live')).toBe('polite');
    await page.waitForFunction(() => Number(document.getElementById('progress-bar')!.getAttribute('value')) >= 50);
    expect(await page.textContent('#announce')).toMatch(/^Working: (5\d|[6-9]\d) % of the records answered\.$/);
    await page.screenshot({ path: join(shots, 'progress-1280x800.png') });
    released = true;
    await page.waitForFunction(() => document.getElementById('percent')!.textContent === '100 %');
    expect(await page.textContent('#c-eta')).toBe('done');
    await page.close();
  });

  it('sends the envelope MTS expects: a JSON file as authtoken/json, a CSV with its delimiter as authtoken/csv', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/ui/`);
    await page.evaluate((key) => sessionStorage.setItem('mts.apiKey', key), KEY);
    await page.reload();
    await page.waitForSelector('#sign-out');

    // A JSON file of nested records: the fields are offered as dotted paths.
    const records = [{ person: { id: '4000000001', first: 'Zorbelina', last: 'Quux', born: '1990/01/01' }, home: 'Synthetic Lane 1' }];
    await page.setInputFiles('#file', { name: 'people.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(records)) });
    await page.waitForSelector('#map-vid option[value="person.id"]', { state: 'attached' });
    expect(await page.textContent('#input-note')).toBe('1 JSON records, 5 fields.');
    expect(await page.$$eval('input[name="output"]', (rs) => rs.map((r) => (r as HTMLInputElement).value))).toEqual(['csv', 'json', 'ndjson']);
    await page.selectOption('#map-vid', 'person.id');
    await page.check('input[data-field="name"][value="person.first"]');
    await page.check('input[data-field="name"][value="person.last"]');
    expect(await page.inputValue('#map-dob')).toBe('person.born');
    await page.check('input[data-field="fullAddress"][value="home"]');
    await page.check('input[name="output"][value="json"]');
    await page.click('#submit');
    await page.waitForSelector('#progress-card:not([hidden])');
    const json = submitted.at(-1)!;
    expect(json.kind).toBe('json');
    expect(json.request).toMatchObject({ output: 'json', deliverytype: 'download', mapping: { vid: 'person.id', name: ['person.first', 'person.last'], dob: 'person.born', fullAddress: ['home'] } });
    expect(json.records).toEqual(records);

    // A CSV file with ';' between its cells and a quoted header.
    await page.setInputFiles('#file', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from('"Beneficiary; ID";Sex;Born\n4000000001;F;1990/01/01\n') });
    await page.fill('#delimiter', ';');
    await page.dispatchEvent('#delimiter', 'change');
    await page.waitForSelector('#map-vid option[value="Beneficiary; ID"]', { state: 'attached' });
    expect(await page.$$eval('#map-vid option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', 'Beneficiary; ID', 'Sex', 'Born']);
    expect([await page.inputValue('#map-gender'), await page.inputValue('#map-dob')]).toEqual(['Sex', 'Born']);
    await page.selectOption('#map-vid', 'Beneficiary; ID');
    await page.check('input[name="output"][value="csv"]');
    await page.click('#submit');
    await page.waitForFunction((n) => document.getElementById('request-id')!.textContent !== n, json.id);
    const csv = submitted.at(-1)!;
    expect(csv.kind).toBe('csv');
    expect(csv.request).toMatchObject({ output: 'csv', deliverytype: 'download', csvDelimiter: ';', mapping: { vid: 'Beneficiary; ID', gender: 'Sex', dob: 'Born' } });
    expect(csv.upload!.size).toBeGreaterThan(0);

    // No header row: the columns are numbered, mapped by index, and the envelope says csvHeader: false.
    await page.check('#no-header');
    await page.waitForSelector('#map-vid option[value="2"]', { state: 'attached' });
    expect(await page.$$eval('#map-vid option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual([
      ['', '(none)'], ['0', 'column 1'], ['1', 'column 2'], ['2', 'column 3'],
    ]);
    await page.selectOption('#map-vid', '0');
    await page.selectOption('#map-dob', '2');
    await page.click('#submit');
    await page.waitForFunction((n) => document.getElementById('request-id')!.textContent !== n, csv.id);
    expect(submitted.at(-1)!.request).toMatchObject({ csvHeader: false, csvDelimiter: ';', mapping: { vid: '0', dob: '2' } });
    expect(submitted.at(-1)!.request['mapping']).toEqual({ vid: '0', dob: '2' });

    // Its output, as the worker writes CSV (CRLF, quoted cells with commas): the errors are grouped by code.
    finishFake(submitted.at(-1)!.id, 'csv', [
      'vid,status,token,errorCode,errorMessage',
      '1,processed,T1,,',
      '2,error,,IDA-DEA-001,"Demographic data name did not match, try again"',
      '3,invalid,,ATS-REQ-009,"vid, or its mapping, not present"',
      '4,error,,IDA-DEA-001,"Demographic data name did not match, try again"',
      '',
    ].join('\r\n'));
    await page.waitForSelector('#errors-box:not([hidden])');
    expect(await page.$$eval('#errors-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))).toEqual([
      ['IDA-DEA-001', '2', 'Demographic data name did not match, try again'],
      ['ATS-REQ-009', '1', 'vid, or its mapping, not present'],
    ]);
    expect(await page.textContent('#dups-summary')).toBe('No duplicate report for this request.');
    await page.close();
  });
});
