import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxPartnerEnv, type RunningSandbox } from '@mts/ida-sandbox';

/** The sandbox's partner settings in MTS's names, with fast client retries. Holds secrets: never logged. */
export function sandboxEnv(sandbox: RunningSandbox): Record<string, string> {
  return {
    ...sandboxPartnerEnv(sandbox),
    TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '5000',
    TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '1',
    TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_BASE_DELAY_MS: '20',
    TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_MAX_DELAY_MS: '50',
  };
}

const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value ?? '' : String(v ?? ''));

const ADDRESS = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'];
const addressOf = (a: Record<string, unknown>) => ADDRESS.filter((k) => a[k] !== undefined).map((k) => eng(a[k])).filter(Boolean).join(', ');

export interface Person {
  vid: string;
  name: string;
  gender: string;
  dob: string;
  fullAddress: string;
}

/**
 * `n` synthetic rows with distinct ids: the sandbox's people first (IDA answers with a token), then ids nobody has
 * (IDA answers an error); every 50th row lacks a gender (invalid, ATS-REQ-004, never sent to IDA).
 */
export function people(sandbox: RunningSandbox, n: number): Person[] {
  const known = sandbox.identities.filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked);
  return Array.from({ length: n }, (_, k) => {
    const i = known[k];
    const p: Person = i
      ? { vid: i.uin, name: eng(i.attributes.fullName), gender: eng(i.attributes.gender), dob: String(i.attributes.dateOfBirth), fullAddress: addressOf(i.attributes) }
      : { vid: String(5100000000 + k), name: `Zorbelina Quux${k}`, gender: 'Female', dob: '1990/01/01', fullAddress: `${k} Synthetic Lane` };
    if (k % 50 === 49) p.gender = '';
    return p;
  });
}

const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Writes the rows as CSV with the columns `id,full_name,sex,born,address` (so the test maps them). */
export function writeCsv(path: string, rows: Person[]): string {
  const lines = ['id,full_name,sex,born,address', ...rows.map((p) => [p.vid, p.name, p.gender, p.dob, p.fullAddress].map(cell).join(','))];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export const CSV_MAPPING = 'vid=id,name=full_name,gender=sex,dob=born,fullAddress=address';

/** mts-seed from its sources in a child process; stderr collected. */
export function spawnSeed(args: string[], env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, ['--conditions=@mts/source', '--disable-warning=ExperimentalWarning', join(__dirname, 'fixtures', 'seed-process.cjs'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t));
  child.stdout!.resume();
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stderr: () => err, exited };
}

/** Collects what the CLI writes, for in-process runs. */
export function capture(isTTY = false) {
  const out = { stdout: '', stderr: '' };
  return { out, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { isTTY, write: (t: string) => (out.stderr += t) } };
}

/** Parses the CLI's CSV output (no quoted commas in these tests' values except errorMessage, which is quoted). */
export function parseCsvRows(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cur), (cur = '');
    else if (ch === '\n') row.push(cur.replace(/\r$/, '')), rows.push(row), (row = []), (cur = '');
    else cur += ch;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}
