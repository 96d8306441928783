// What `npm start` (start.mjs) adds around the stack for someone at a terminal: ports checked before anything
// starts, the sandbox's partner settings as a file a shell can source, and the ODK stand-in's demo data.
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, join, relative } from 'node:path';

/**
 * A port number from the environment: `fallback` when unset, else an integer in 1..65535 (0 too with `allowZero`,
 * meaning "any free port"). Throws naming the variable.
 */
export function portFromEnv(env, name, fallback, { allowZero = false } = {}) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new Error(`${name} must be a port number (${allowZero ? 0 : 1}..65535)`);
  }
  return port;
}

/** Resolves with null when `host:port` can be listened on now, else with the error code (EADDRINUSE, EACCES, …). */
export function portProblem(port, host) {
  return new Promise((resolveProblem) => {
    const probe = createServer();
    probe.once('error', (err) => resolveProblem(err.code ?? 'ERROR'));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolveProblem(null)));
  });
}

/**
 * Throws when one of the ports is taken, naming the port and the variable that moves it. Checked before anything is
 * started: the readiness check asks whatever answers on the port, which would otherwise be another process.
 * @param {{ port: number, host: string, variable: string, what: string }[]} ports (port 0 is skipped)
 */
export async function assertPortsFree(ports) {
  for (const { port, host, variable, what } of ports) {
    if (port === 0) continue;
    const problem = await portProblem(port, host);
    if (problem === null) continue;
    const why = problem === 'EADDRINUSE' ? 'is in use' : 'cannot be listened on';
    throw new Error(`port ${port} (${what}, ${host}) ${why} (${problem}): stop what uses it, or set ${variable} to a free port (e.g. ${variable}=${port === 9000 ? 9001 : 9000} npm start)`);
  }
}

/** A value quoted for a POSIX shell (`. file`, or a path in a printed command). */
export function shellQuote(value) {
  const text = String(value);
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `file` as the printed commands name it: relative to `root` (where they are run) when inside it, else absolute. */
export function displayPath(root, file) {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * Writes the partner settings (`sandboxPartnerEnv` of `@mts/ida-sandbox`: MTS's TOKENSEEDER_* names) as
 * `<dir>/partner.env`, mode 0600, for `set -a; . partner.env; set +a`. It holds the sandbox's synthetic API key,
 * licence key and p12 password: created private (a temp file renamed over the old one), never printed.
 * @returns the file's path
 */
export function writePartnerEnv(dir, partnerEnv) {
  const file = join(dir, 'partner.env');
  const lines = [
    '# The bundled IDA sandbox\'s partner, as MTS\'s TOKENSEEDER_* settings. Rewritten by every `npm start` (the',
    '# sandbox\'s port changes unless MTS_SANDBOX_PORT is set). Synthetic demo secrets: keep this file private.',
    ...Object.entries(partnerEnv).map(([name, value]) => `${name}=${shellQuote(value)}`),
  ];
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${lines.join('\n')}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return file;
}

/** The demo ODK Central project's login (synthetic, as `demoOdkData` of `@mts/odk-standin` has it). */
export const DEMO_ODK = Object.freeze({ email: 'viewer@example.org', password: 'demo-password', projectid: '1', formid: 'registration' });

/** How the demo ODK form's submissions map to MTS's fields (ODK groups stay nested: dotted paths). */
export const DEMO_ODK_MAPPING = Object.freeze({ vid: 'vid', name: ['person.name'], gender: 'person.gender', dob: 'person.dob', fullAddress: ['address.full'] });

/**
 * The ODK stand-in's seed (`--data`): form `registration` of project 1 with one submission per person, the people
 * being the sandbox's (`peopleFromIdentities` of `@mts/sheets-standin`), so the demo's records authenticate.
 */
export function demoOdkSeed(people) {
  return {
    users: [{ email: DEMO_ODK.email, password: DEMO_ODK.password }],
    forms: [{ projectId: Number(DEMO_ODK.projectid), xmlFormId: DEMO_ODK.formid }],
    submissions: people.map((p, i) => ({
      projectId: Number(DEMO_ODK.projectid),
      xmlFormId: DEMO_ODK.formid,
      submissionDate: new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString(),
      fields: { vid: p.vid, person: { name: p.name, gender: p.gender, dob: p.dob }, address: { full: p.fullAddress } },
    })),
  };
}
