// Readers for the deployment files that tools/checks/deploy.test.ts checks: the Dockerfile (instructions by stage),
// compose.yaml (merged and interpolated as `docker compose config` would) and deploy/k8s (each container's
// environment with its envFrom ConfigMaps and Secrets resolved). Small on purpose: only what the checks look at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The processes the image runs, by entry point (relative to the image's WORKDIR). */
export const PROGRAMS = {
  api: 'apps/api/dist/main.js',
  worker: 'apps/worker/dist/main.js',
  'ida-sandbox': 'apps/ida-sandbox/dist/main.js',
} as const;
export type Program = keyof typeof PROGRAMS;

/** The program a command runs: the last entry point named in it (a wrapper may come first), else none. */
export function programOf(command: readonly string[]): Program | undefined {
  const found = command.map((arg) => (Object.keys(PROGRAMS) as Program[]).find((p) => PROGRAMS[p] === arg)).filter(Boolean);
  return found.at(-1);
}

// ---- Dockerfile ------------------------------------------------------------------------------------------------

export interface Instruction { keyword: string; args: string; line: number }
export interface Stage { image: string; name: string | undefined; instructions: Instruction[] }

/** Instructions grouped by stage (continuation lines joined, comments dropped); ARGs before the first FROM are skipped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending: { text: string; line: number } | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const joined = pending ? `${pending.text} ${line}` : line;
    const start = pending?.line ?? index + 1;
    if (line.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trimEnd(), line: start };
      return;
    }
    pending = undefined;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/s.exec(joined) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim(), line: start };
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args) ?? [];
      stages.push({ image, name, instructions: [] });
    } else if (stages.length > 0) stages.at(-1)!.instructions.push(instruction);
  });
  return stages;
}

/** `ENV A=1 B="two"` → { A: '1', B: 'two' } (the key=value form only, which the Dockerfile uses). */
export function envOf(instruction: Instruction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, key, value] of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
    out[key!] = value!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

// ---- compose.yaml ----------------------------------------------------------------------------------------------

/** Compose's variable interpolation: `${X}`, `${X:-default}`, `${X-default}`, `${X:?error}`, `${X?error}`, `$$`. */
export function interpolate(value: string, vars: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string, op?: string, arg?: string) => {
    if (whole === '$$') return '$';
    const v = vars[name];
    const unset = op?.startsWith(':') ? v === undefined || v === '' : v === undefined;
    if (!unset || !op) return v ?? '';
    if (op.endsWith('-')) return arg ?? '';
    throw new Error(`compose: ${name} is required: ${arg}`);
  });
}

export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  healthcheck?: { test: string[] | string };
  deploy?: { replicas?: number };
  depends_on?: string[] | Record<string, { condition?: string }>;
  [key: string]: unknown;
}

/** compose.yaml with merge keys resolved and every string interpolated from `vars`. */
export function loadCompose(vars: Readonly<Record<string, string | undefined>>): { services: Record<string, ComposeService>; volumes?: Record<string, unknown> } {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolate(node, vars);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(parse(read('compose.yaml'), { merge: true })) as never;
}

/** A service's environment as strings, from either of compose's two forms. */
export function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

// ---- deploy/k8s ------------------------------------------------------------------------------------------------

export interface K8sObject { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown }

/** Every object in the given files (multi-document YAML), failing on a YAML error with its file. */
export function loadK8s(files: readonly string[]): K8sObject[] {
  return files.flatMap((file) =>
    parseAllDocuments(read(file)).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject;
    }).filter(Boolean),
  );
}

export interface K8sContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface Probe { httpGet?: { path: string; port: number | string } }

/** A container's environment: envFrom ConfigMaps and Secrets (in order), then `env`, as the kubelet builds it. */
export function containerEnv(container: K8sContainer, objects: readonly K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = objects.find((o) => o.kind === kind && o.metadata.name === ref?.name);
    if (!source) throw new Error(`${container.name}: envFrom ${kind} ${ref?.name} is not among the resources`);
    const data = { ...(source['data'] as Record<string, string> | undefined), ...(source['stringData'] as Record<string, string> | undefined) };
    if (kind === 'Secret' && source['data']) {
      for (const [k, v] of Object.entries(source['data'] as Record<string, string>)) data[k] = Buffer.from(v, 'base64').toString('utf8');
    }
    Object.assign(env, data);
  }
  for (const e of container.env ?? []) env[e.name] = e.value ?? '';
  return env;
}

/** A probe's or Service's port (a number or a container port's name) as the container's port number. */
export function portNumber(container: K8sContainer, port: number | string): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}
