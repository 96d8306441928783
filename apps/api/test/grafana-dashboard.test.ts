// docs/grafana-dashboard.json names only metrics the service exports: every metric in its PromQL expressions is
// looked up in a real scrape of the API and the worker sharing one registry, as tools/scripts/service.mjs runs them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@mts/service-kit';
import { createTempDir, parsePrometheusText, SYNTHETIC_PARTNER_ENV, type PromFamily, type TempDir } from '@mts/testing';
import { loadConfig as loadWorkerConfig, startWorker } from '@mts/worker';
import { loadConfig, startApi } from '../src/index.js';
import { http } from './listen.js';

const DASHBOARD = join(__dirname, '../../../docs/grafana-dashboard.json');
// PromQL words that are not metric names: functions are recognised by their "(", these are the rest.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/** The metric names in a PromQL expression: label matchers, grouping clauses, strings, ranges and functions removed. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![a-zA-Z0-9_:])[0-9][0-9.eE+-]*[a-z]*/g, ' '); // numbers and durations (5m, 0.95, 1e3)
  const names: string[] = [];
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

function exported(families: Map<string, PromFamily>, name: string): boolean {
  if (families.has(name)) return true;
  const suffix = /_(bucket|sum|count)$/.exec(name);
  return suffix !== null && families.get(name.slice(0, -suffix[0].length))?.type === 'histogram';
}

function expressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => expressions(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'expr' && typeof v === 'string') out.push(v);
      else expressions(v, out);
    }
  }
  return out;
}

describe('docs/grafana-dashboard.json', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await createTempDir('grafana-');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('finds metric names in PromQL (and would notice a made-up one)', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(mts_http_request_duration_seconds_bucket{route=~"/x.*"}[5m])))')).toEqual(['mts_http_request_duration_seconds_bucket']);
    expect(metricNames('max by (name) (mts_worker_queue_jobs{state="queued"}) / on (name) other_metric offset 5m')).toEqual(['mts_worker_queue_jobs', 'other_metric']);
    expect(exported(new Map(), 'mts_made_up_total')).toBe(false);
  });

  it('uses only metric names that a real scrape of the API and the worker exports', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: unknown[] };
    const names = [...new Set(expressions(dashboard.panels).flatMap(metricNames))].sort();
    expect(names.length).toBeGreaterThanOrEqual(8);

    const metrics = createMetricsRegistry();
    const env = { ...SYNTHETIC_PARTNER_ENV, MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: Buffer.alloc(32, 8).toString('base64'), MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0' };
    const authenticator = { authenticate: async () => ({ authStatus: false, errors: [] }), close: async () => undefined };
    const worker = await startWorker(loadWorkerConfig({ ...env, TOKENSEEDER_CLEANUP__ENABLED: 'false', MTS_JOB_LOCK_LIFETIME_MS: '1000' }), { authenticator, metrics });
    const api = await startApi(loadConfig(env), { metrics });
    try {
      const families = parsePrometheusText(await (await http(`http://127.0.0.1:${api.port}/metrics`)).text());
      expect(names.filter((name) => !exported(families, name))).toEqual([]);
    } finally {
      await api.close();
      await worker.stop();
    }
  });
});
