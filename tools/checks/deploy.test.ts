// The deployment files (Dockerfile, compose.yaml, deploy/k8s) against the code they deploy: every environment
// variable they set is a setting the program in that container reads (names from the apps' exported settings
// lists), the settings pass the apps' own start-up checks, and images, commands, ports and probe paths agree with
// the Dockerfile and with what the API really serves. No Docker engine or cluster is needed; hadolint and kubectl
// add their checks where installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AUTHENTICATOR_ENV } from '@mts/authenticator';
import { API_SETTING_VARS, CALLER_AUTH_VARS, createLogger, hashApiKey, loadConfig as loadApiConfig, startApi } from '@mts/api';
import { SANDBOX_SETTING_VARS, sandboxPartnerEnv, startSandbox } from '@mts/ida-sandbox';
import { SHARED_SETTING_VARS } from '@mts/service-kit';
import { createTempDir, findExecutable, SYNTHETIC_PARTNER_ENV } from '@mts/testing';
import { createLogger as createWorkerLogger, loadConfig as loadWorkerConfig, startWorker, WORKER_SETTING_VARS } from '@mts/worker';
import {
  composeEnv, containerEnv, envOf, loadCompose, loadK8s, parseDockerfile, portNumber, programOf, read, ROOT,
  type ComposeService, type K8sContainer, type K8sObject, type Program,
} from './deploy-files.js';

jest.setTimeout(60_000);

const names = (vars: Readonly<Record<string, readonly string[]>>) => Object.values(vars).flat();
const shared = names(SHARED_SETTING_VARS);
const authenticator = Object.values(AUTHENTICATOR_ENV);
/**
 * What each program reads: its own settings (the API's caller authentication too), the shared ones, and the IDA
 * partner settings (the API for sync mode).
 */
const READS: Record<Program, ReadonlySet<string>> = {
  api: new Set([...shared, ...names(API_SETTING_VARS), ...CALLER_AUTH_VARS, ...authenticator]),
  worker: new Set([...shared, ...names(WORKER_SETTING_VARS), ...authenticator]),
  'ida-sandbox': new Set(Object.values(SANDBOX_SETTING_VARS)),
};
/** Read by Node itself (heap caps) and by Express (production error pages), not by our config. */
const RUNTIME = new Set(['NODE_OPTIONS', 'NODE_ENV']);
const WORKER_PATHS = { live: '/health/live', ready: '/health/ready', metrics: '/metrics' };
/**
 * The API's probe paths: at the root whatever `TOKENSEEDER_ROOT__API_PATH_PREFIX` is (the API serves health and
 * metrics there, so probes need not follow the prefix). The runtime checks at the end ask the API itself.
 */
const API_PROBE_PATHS = ['/health/live', '/health/ready'];

function unknownSettings(program: Program, env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env).filter((name) => !READS[program].has(name) && !RUNTIME.has(name));
}

/** A valid data key (synthetic), for the start-up checks where the files hold a placeholder or a variable. */
const SYNTHETIC_KEY = Buffer.alloc(32, 7).toString('base64');
/** A keys file with one synthetic caller, for the settings that name the mounted mts-api-keys file. */
const syntheticKeysFile = join(mkdtempSync(join(tmpdir(), 'deploy-check-keys-')), 'api-keys.json');
const withSyntheticSecrets = (env: Record<string, string>) => ({
  ...env,
  MTS_DATA_KEY: SYNTHETIC_KEY,
  ...(env['MTS_API_KEYS_FILE'] ? { MTS_API_KEYS_FILE: syntheticKeysFile } : {}),
});
beforeAll(async () => {
  writeFileSync(syntheticKeysFile, JSON.stringify([{ caller: 'deploy-check', hash: await hashApiKey('synthetic-key-of-the-deploy-check') }]));
});
afterAll(() => rmSync(dirname(syntheticKeysFile), { recursive: true, force: true }));
/**
 * Secrets the operator creates (docs/deploy.md says how), with the file names the settings expect in them; the
 * others are in deploy/k8s.
 */
const OPERATOR_SECRETS: Record<string, string[]> = {
  'mts-partner-files': ['partner.p12', 'ida-partner.cer', 'ida-sign.cer'],
  'mts-api-keys': ['api-keys.json'],
};
/** Settings that name a file the container must find (mounted from a Secret). */
const FILE_SETTINGS = ['MTS_API_KEYS_FILE', 'MTS_DATA_KEY_FILE', AUTHENTICATOR_ENV.encryptCertPath, AUTHENTICATOR_ENV.signP12Path, AUTHENTICATOR_ENV.responseCertPath];

// ---- the Dockerfile ---------------------------------------------------------------------------------------------

const stages = parseDockerfile(read('Dockerfile'));
const runtime = stages.at(-1)!;
const last = (stage: typeof runtime, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).at(-1);
const workdir = last(runtime, 'WORKDIR')?.args;
const imageUser = last(runtime, 'USER')?.args ?? 'root';
const imageUid = imageUser.split(':')[0]!;
const imageEnv = Object.assign({}, ...runtime.instructions.filter((i) => i.keyword === 'ENV').map(envOf)) as Record<string, string>;
const imageCmd = JSON.parse(last(runtime, 'CMD')?.args ?? '[]') as string[];
const exposed = runtime.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.split('/')[0]));

describe('Dockerfile', () => {
  it('builds in a full image and runs from a slim one with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.image).toMatch(/^node:.*-slim$/);
    const runs = (stage: typeof runtime) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(stages.some((s) => runs(s).some((r) => /\bnx run-many -t build\b/.test(r)))).toBe(true);
    // Production dependencies come from a stage that ran `npm ci --omit=dev`, copied into the runtime, or from the
    // runtime itself; no stage the runtime copies node_modules from installed dev dependencies.
    const prodStages = stages.filter((s) => runs(s).some((r) => /\bnpm ci\b[^&;|]*--omit=dev/.test(r)));
    expect(prodStages.length).toBeGreaterThan(0);
    const copiedFrom = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => /--from=(\S+)/.exec(i.args)?.[1]).filter(Boolean);
    const depsSource = prodStages.find((s) => s === runtime || copiedFrom.includes(s.name));
    expect(depsSource).toBeDefined();
    for (const stage of [runtime, depsSource!]) {
      expect(runs(stage).filter((r) => /\bnpm (ci|install)\b/.test(r) && !/--omit=dev/.test(r))).toEqual([]);
    }
  });

  it('runs as a numeric non-root user (so Kubernetes runAsNonRoot can check it)', () => {
    expect(imageUid).toMatch(/^\d+$/);
    expect(Number(imageUid)).toBeGreaterThan(0);
  });

  it('runs the API by default, exposes the ports the settings name, and sets only settings', () => {
    expect(workdir).toBe('/app');
    expect(programOf(imageCmd)).toBe('api');
    expect(unknownSettings('api', imageEnv)).toEqual([]);
    expect(unknownSettings('worker', imageEnv)).toEqual([]);
    const api = loadApiConfig(imageEnv);
    expect(exposed).toEqual(expect.arrayContaining([api.port, 9464, 8090]));
  });

  it('every entry point the files run is an app the build compiles, and scripts are copied into the image', () => {
    for (const [program, main] of Object.entries({ api: 'apps/api', worker: 'apps/worker', 'ida-sandbox': 'apps/ida-sandbox' })) {
      const tsconfig = JSON.parse(read(`${main}/tsconfig.lib.json`)).compilerOptions;
      expect([program, tsconfig.rootDir, tsconfig.outDir, existsSync(join(ROOT, main, 'src/main.ts'))]).toEqual([program, 'src', 'dist', true]);
    }
    const text = read('Dockerfile');
    for (const script of commandScripts()) {
      expect(existsSync(join(ROOT, script))).toBe(true);
      expect(text).toContain(script.split('/').slice(0, 2).join('/'));
      expect(dockerIgnored(script)).toBe(false);
    }
  });

  it('.dockerignore keeps installs, builds, local data and secrets out of the build context', () => {
    for (const path of ['node_modules', 'libs/store/node_modules', 'apps/api/dist', '.git', 'data', '.env']) {
      expect([path, dockerIgnored(path)]).toEqual([path, true]);
    }
    for (const path of ['package-lock.json', 'apps/api/src/main.ts', 'tsconfig.base.json', 'nx.json']) {
      expect([path, dockerIgnored(path)]).toEqual([path, false]);
    }
  });

  const hadolint = findExecutable(['hadolint']);
  (hadolint ? it : it.skip)(`hadolint finds nothing to warn about${hadolint ? '' : ' (hadolint not installed: skipped)'}`, () => {
    const r = spawnSync(hadolint!, ['--failure-threshold', 'warning', 'Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** Whether .dockerignore's patterns (plain paths and `**` prefixes, as it uses) exclude a path. */
function dockerIgnored(path: string): boolean {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const toRegExp = (p: string) =>
    new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(.*/)?')}(/.*)?$`);
  return patterns.some((p) => toRegExp(p).test(path));
}

/** Repository scripts (not app entry points) the compose and k8s commands run, e.g. the demo's partner wrapper. */
function commandScripts(): string[] {
  const commands = [
    ...Object.values(loadCompose({ MTS_DATA_KEY: SYNTHETIC_KEY }).services).map((s) => toArgs(s.command)),
    ...k8sContainers().map(({ container }) => [...(container.command ?? []), ...(container.args ?? [])]),
  ];
  return [...new Set(commands.flat().filter((a) => /^[\w-]+\/.*\.m?js$/.test(a) && !programOf([a])))];
}

const toArgs = (command: ComposeService['command']) => (Array.isArray(command) ? command : command ? command.split(/\s+/) : []);

// ---- compose.yaml ------------------------------------------------------------------------------------------------

const compose = loadCompose({ MTS_DATA_KEY: SYNTHETIC_KEY });
const ours = Object.entries(compose.services).filter(([, s]) => s.image === 'token-seeder:local');
const composeProgram = (s: ComposeService) => programOf(s.command ? toArgs(s.command) : imageCmd);
const serviceRunning = (program: Program) => ours.filter(([, s]) => composeProgram(s) === program);

describe('compose.yaml', () => {
  it('refuses to start without a data key', () => {
    expect(() => loadCompose({})).toThrow(/MTS_DATA_KEY is required/);
  });

  it('runs PostgreSQL, one API, two workers and the IDA sandbox, all from this repository\'s image', () => {
    expect(compose.services['postgres']?.image).toMatch(/^postgres:15\b/);
    for (const [name, s] of ours) expect([name, s.build]).toEqual([name, '.']);
    const count = (p: Program) => serviceRunning(p).reduce((n, [, s]) => n + (s.deploy?.replicas ?? 1), 0);
    expect([count('api'), count('worker'), count('ida-sandbox')]).toEqual([1, 2, 1]);
    expect(ours.every(([, s]) => composeProgram(s))).toBe(true);
  });

  it.each(ours.map(([name, s]) => [name, s] as const))('%s sets only settings its program reads', (_name, service) => {
    expect(unknownSettings(composeProgram(service)!, composeEnv(service))).toEqual([]);
  });

  it('the demo partner wrapper sets exactly the IDA partner settings the authenticator reads', () => {
    const script = read('deploy/demo/with-sandbox-partner.mjs');
    const set = [...script.matchAll(/\b(TOKENSEEDER_[A-Z_]+):/g)].map((m) => m[1]);
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((n) => !authenticator.includes(n as never))).toEqual([]);
  });

  it('the API and the workers pass their start-up checks, on the database compose runs', () => {
    const [, api] = serviceRunning('api')[0]!;
    const [, worker] = serviceRunning('worker')[0]!;
    const apiConfig = loadApiConfig(composeEnv(api));
    expect(apiConfig.host).toBe('0.0.0.0');
    expect(api.ports?.map((p) => String(p).split(':').at(-1))).toContain(String(apiConfig.port));
    loadWorkerConfig({ ...SYNTHETIC_PARTNER_ENV, ...composeEnv(worker) }); // the wrapper adds the partner settings
    const pg = composeEnv(compose.services['postgres']!);
    for (const env of [composeEnv(api), composeEnv(worker)]) {
      const url = new URL(env['MTS_DATABASE_URL']!);
      expect([url.protocol, url.hostname, url.username, decodeURIComponent(url.password), url.pathname])
        .toEqual(['postgres:', 'postgres', pg['POSTGRES_USER'], pg['POSTGRES_PASSWORD'], `/${pg['POSTGRES_DB']}`]);
    }
    expect(Object.keys(api.depends_on ?? {})).toContain('postgres');
  });

  it('the workers reach the sandbox by its service name and port, and read its partner files from its volume, read-only', () => {
    const [sandboxName, sandbox] = serviceRunning('ida-sandbox')[0]!;
    const [, worker] = serviceRunning('worker')[0]!;
    const sandboxEnv = composeEnv(sandbox);
    expect(sandboxEnv['IDA_SANDBOX_HOST']).toBe('0.0.0.0');
    const args = toArgs(worker.command);
    const [dir, idaUrl] = args.slice(args.indexOf('deploy/demo/with-sandbox-partner.mjs') + 1);
    const url = new URL(idaUrl!);
    expect([url.hostname, url.port, url.pathname]).toEqual([sandboxName, sandboxEnv['IDA_SANDBOX_PORT'], '/idauthentication/v1/auth']);
    // The same volume: mounted at M in the sandbox, whose data dir is M/x, and at W read-only in the worker, given W/x.
    const mount = (s: ComposeService) => (s.volumes ?? []).map((v) => String(v).split(':')).map(([source, target, mode]) => ({ source, target, mode }));
    const [inSandbox] = mount(sandbox);
    const inWorker = mount(worker).find((m) => m.source === inSandbox!.source)!;
    expect(inWorker.mode).toBe('ro');
    expect(dir).toBe(sandboxEnv['IDA_SANDBOX_DATA_DIR']!.replace(inSandbox!.target!, inWorker.target!));
    expect(Object.keys(worker.depends_on ?? {})).toEqual(expect.arrayContaining(['postgres', sandboxName]));
  });

  it('health checks ask the ports the settings open', () => {
    const port = (s: ComposeService) => Number(/127\.0\.0\.1:(\d+)\//.exec(toArgs(s.healthcheck?.test as never).join(' '))?.[1]);
    const [, api] = serviceRunning('api')[0]!;
    const [, worker] = serviceRunning('worker')[0]!;
    const [, sandbox] = serviceRunning('ida-sandbox')[0]!;
    expect(port(api)).toBe(loadApiConfig(composeEnv(api)).port);
    expect(port(worker)).toBe(Number(composeEnv(worker)['MTS_WORKER_HTTP_PORT']));
    expect(port(sandbox)).toBe(Number(composeEnv(sandbox)['IDA_SANDBOX_PORT']));
  });
});

// ---- deploy/k8s ------------------------------------------------------------------------------------------------

const K8S = 'deploy/k8s';
const kustomization = loadK8s([`${K8S}/kustomization.yaml`])[0] as unknown as { resources: string[]; images: { name: string }[] };
const objects = loadK8s(kustomization.resources.map((r) => `${K8S}/${r}`));
const deployment = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as K8sObject & { spec: DeploymentSpec };
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
}
interface PodSpec { securityContext?: Record<string, unknown>; containers: K8sContainer[]; volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[] }

function k8sContainers(): { deployment: string; container: K8sContainer; pod: PodSpec }[] {
  return objects.filter((o) => o.kind === 'Deployment').flatMap((o) => {
    const pod = (o as unknown as { spec: DeploymentSpec }).spec.template.spec;
    return pod.containers.map((container) => ({ deployment: o.metadata.name, container, pod }));
  });
}
const containersWithProgram = k8sContainers().map((c) => ({ ...c, program: programOf([...(c.container.command ?? imageCmd), ...(c.container.args ?? [])]) }));

describe('deploy/k8s', () => {
  it('kustomization.yaml lists every manifest in the folder, and every container uses its image', () => {
    const files = readdirSync(join(ROOT, K8S)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    const images = kustomization.images.map((i) => i.name);
    for (const { container } of containersWithProgram) expect(images).toContain(container.image);
  });

  it('runs two API replicas and two worker replicas, each container one of the image\'s programs', () => {
    expect([deployment('api').spec.replicas, deployment('worker').spec.replicas]).toEqual([2, 2]);
    expect(containersWithProgram.map((c) => [c.deployment, c.program])).toEqual([['api', 'api'], ['worker', 'worker']]);
  });

  it.each(containersWithProgram.map((c) => [c.deployment, c] as const))('%s gets only settings its program reads', (_name, c) => {
    expect(unknownSettings(c.program!, containerEnv(c.container, objects))).toEqual([]);
  });

  it('the settings pass the apps\' start-up checks once the placeholder secrets are replaced, and not before', () => {
    for (const { container, program } of containersWithProgram) {
      const env = containerEnv(container, objects);
      const load = program === 'api' ? loadApiConfig : loadWorkerConfig;
      expect(() => load(env)).toThrow(/MTS_DATA_KEY/);
      expect(() => load(withSyntheticSecrets(env))).not.toThrow();
    }
  });

  it('every pod runs as the image\'s non-root user on a read-only root, with /tmp on an emptyDir and bounded resources', () => {
    for (const { container, pod } of containersWithProgram) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(imageUid) });
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      for (const kind of ['requests', 'limits'] as const) expect(Object.keys(container.resources?.[kind] ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('the API: probes, Service and scrape annotations on the port its settings open', () => {
    const { container } = containersWithProgram.find((c) => c.program === 'api')!;
    const config = loadApiConfig(withSyntheticSecrets(containerEnv(container, objects)));
    expect(config.host).toBe('0.0.0.0');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(portNumber(container, probe!.httpGet!.port)).toBe(config.port);
    }
    expect([container.livenessProbe?.httpGet?.path, container.readinessProbe?.httpGet?.path]).toEqual(API_PROBE_PATHS);
    const spec = deployment('api').spec;
    expect(spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(config.port) });
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'api') as unknown as { spec: { selector: Record<string, string>; ports: { targetPort: string | number }[] } };
    expect(spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(service.spec.ports.map((p) => portNumber(container, p.targetPort))).toEqual([config.port]);
  });

  it('the workers: probes and scrape annotations on MTS_WORKER_HTTP_PORT, partner files from the mounted Secret', () => {
    const { container, pod } = containersWithProgram.find((c) => c.program === 'worker')!;
    const env = containerEnv(container, objects);
    const port = Number(env['MTS_WORKER_HTTP_PORT']);
    expect(port).toBeGreaterThan(0);
    expect(container.livenessProbe?.httpGet).toEqual({ path: WORKER_PATHS.live, port: expect.anything() });
    expect(container.readinessProbe?.httpGet).toEqual({ path: WORKER_PATHS.ready, port: expect.anything() });
    for (const probe of [container.livenessProbe, container.readinessProbe]) expect(portNumber(container, probe!.httpGet!.port)).toBe(port);
    expect(deployment('worker').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': WORKER_PATHS.metrics,
    });
    expect(pod.volumes?.some((v) => v.secret?.secretName === 'mts-partner-files')).toBe(true);
  });

  it.each(containersWithProgram.map((c) => [c.deployment, c] as const))('%s finds every file its settings name, in a read-only Secret mount', (_name, { container, pod }) => {
    const env = containerEnv(container, objects);
    const docs = read('docs/deploy.md');
    for (const setting of FILE_SETTINGS.filter((s) => env[s])) {
      const path = env[setting]!;
      const mount = container.volumeMounts?.find((m) => dirname(path) === m.mountPath);
      expect([setting, mount?.readOnly]).toEqual([setting, true]);
      const secret = pod.volumes?.find((v) => v.name === mount!.name)?.secret?.secretName;
      // Either a Secret of these manifests holding that key, or one the operator creates as docs/deploy.md says.
      const inManifests = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secret);
      const keys = inManifests ? Object.keys({ ...(inManifests['data'] as object), ...(inManifests['stringData'] as object) }) : OPERATOR_SECRETS[secret!];
      expect([setting, secret, keys]).toEqual([setting, secret, expect.arrayContaining([basename(path)])]);
      if (!inManifests) expect([secret, docs.includes(`create secret generic ${secret}`)]).toEqual([secret, true]);
    }
  });

  const kubectl = findExecutable(['kubectl']);
  (kubectl ? it : it.skip)(`kubectl kustomize renders every object with the image set${kubectl ? '' : ' (kubectl not installed: skipped)'}`, () => {
    const r = spawnSync(kubectl!, ['kustomize', K8S], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const rendered = r.stdout.split(/^---$/m).map((d) => d.trim()).filter(Boolean);
    expect(rendered).toHaveLength(objects.length);
    expect(r.stdout).not.toMatch(/image: token-seeder$/m);
  });
});

// ---- what the API really serves ---------------------------------------------------------------------------------


describe('the API answers the paths the files probe', () => {
  const paths = new Set<string>();
  const { container } = containersWithProgram.find((c) => c.program === 'api')!;
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) paths.add(probe!.httpGet!.path);
  paths.add(deployment('api').spec.template.metadata.annotations?.['prometheus.io/path'] ?? '/metrics');
  const [, composeApi] = serviceRunning('api')[0]!;
  paths.add(new URL(/http:\/\/[^'"]+/.exec(toArgs(composeApi.healthcheck?.test as never).join(' '))![0]).pathname);

  /** The API with the Kubernetes settings, on a temporary SQLite instead of the cluster's PostgreSQL, on a free port. */
  async function withApi(fn: (base: string) => Promise<void>): Promise<void> {
    const dir = await createTempDir('deploy-check-');
    const env: Record<string, string> = { ...withSyntheticSecrets(containerEnv(container, objects)), MTS_DATA_DIR: dir.path, PORT: '0', MTS_API_HOST: '127.0.0.1' };
    delete env['MTS_DATABASE_URL'];
    const api = await startApi(loadApiConfig(env), { logger: createLogger({ level: 'error' }) });
    try {
      await fn(`http://127.0.0.1:${api.port}`);
    } finally {
      await api.close();
      await dir.remove();
    }
  }

  it('with the Kubernetes settings, authtoken/* needs a caller credential (401 without one)', () =>
    withApi(async (base) => {
      const res = await fetch(`${base}/authtoken/status/00000000-0000-0000-0000-000000000000`);
      await res.arrayBuffer();
      expect(res.status).toBe(401);
    }));

  it.each([...paths])('GET %s, without a caller credential', (path) =>
    withApi(async (base) => {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      expect([path, res.status]).toEqual([path, 200]);
    }));
});

describe('the workers answer the paths the files probe', () => {
  const { container } = containersWithProgram.find((c) => c.program === 'worker')!;
  const paths = [container.livenessProbe!.httpGet!.path, container.readinessProbe!.httpGet!.path];
  paths.push(deployment('worker').spec.template.metadata.annotations?.['prometheus.io/path'] ?? '/metrics');

  it(`GET ${paths.join(', ')} on MTS_WORKER_HTTP_PORT`, async () => {
    const dir = await createTempDir('deploy-check-worker-');
    // The Kubernetes settings with the sandbox as IDA, a temporary SQLite for store and queue, and any free port.
    const sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0 });
    const env: Record<string, string> = {
      ...withSyntheticSecrets(containerEnv(container, objects)), ...sandboxPartnerEnv(sandbox),
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_WORKER_HTTP_PORT: '0',
    };
    delete env['MTS_DATABASE_URL'];
    const worker = await startWorker(loadWorkerConfig(env), { logger: createWorkerLogger({ level: 'error' }) });
    try {
      const port = worker.httpPort;
      expect(port).toBeGreaterThan(0);
      for (const path of paths) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        await res.arrayBuffer();
        expect([path, res.status]).toEqual([path, 200]);
      }
    } finally {
      await worker.stop();
      await sandbox.close();
      await dir.remove();
    }
  });
});
