import { createMetricsRegistry } from '@mts/service-kit';
import { parsePrometheusText } from '@mts/testing';
import { codeLabeler, createWorkerMetrics, watchQueueDepth } from './metrics';

const overview = (name: string, counts: Partial<Record<'queued' | 'scheduled' | 'running' | 'repeating' | 'failed', number>>) => ({
  name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0, ...counts,
});

test('the queue depth is read from Agenda at each scrape, by job name and state', async () => {
  const registry = createMetricsRegistry();
  let jobs = [overview('process-chunk', { queued: 12, running: 4 }), overview('deliver', { scheduled: 1 })];
  watchQueueDepth(registry, { getJobsOverview: async () => jobs });
  const queued = async () =>
    parsePrometheusText(await registry.metrics())
      .get('mts_worker_queue_jobs')!
      .samples.filter((s) => s.labels.state === 'queued')
      .map((s) => [s.labels.name, s.value]);
  expect(await queued()).toEqual([['process-chunk', 12], ['deliver', 0]]);
  jobs = [overview('process-chunk', { queued: 3 })];
  expect(await queued()).toEqual([['process-chunk', 3]]);
});

test('two workers on one registry share the counters instead of failing with "already registered"', async () => {
  const registry = createMetricsRegistry();
  createWorkerMetrics(registry).record('token');
  createWorkerMetrics(registry).record('token', 2);
  const records = parsePrometheusText(await registry.metrics()).get('mts_worker_records_total')!;
  expect(records.samples.find((s) => s.labels.outcome === 'token')!.value).toBe(3);
});

test('error codes become labels only when code-shaped, and only so many distinct ones', () => {
  const label = codeLabeler(3);
  expect(label('IDA-MLC-009')).toBe('IDA-MLC-009');
  expect(label('<html>502 Bad Gateway</html>')).toBe('OTHER');
  expect(label('x'.repeat(41))).toBe('OTHER');
  expect(label('AUT_BAS_001')).toBe('AUT_BAS_001');
  expect(label('ATS-REQ-100')).toBe('ATS-REQ-100');
  expect(label('IDA-DEA-001')).toBe('OTHER'); // a fourth distinct code
  expect(label('IDA-MLC-009')).toBe('IDA-MLC-009'); // one already seen keeps its label
});
