import { parsePrometheusText } from '@mts/testing';
import { counterIn, createMetricsRegistry, ensureProcessMetrics, histogramIn, scrapedGauge } from './metrics';

describe('metrics registry helpers', () => {
  it('lets two app instances create the same metrics on one registry without "already registered"', async () => {
    const registry = createMetricsRegistry();
    ensureProcessMetrics(registry); // a second app in the same process
    const a = counterIn(registry, { name: 'mts_test_total', help: 'h', labelNames: ['outcome'] });
    const b = counterIn(registry, { name: 'mts_test_total', help: 'h', labelNames: ['outcome'] });
    expect(b).toBe(a);
    a.inc({ outcome: 'token' });
    b.inc({ outcome: 'token' });
    histogramIn(registry, { name: 'mts_test_seconds', help: 'h' }).observe(0.2);
    histogramIn(registry, { name: 'mts_test_seconds', help: 'h' }).observe(0.4);
    const families = parsePrometheusText(await registry.metrics());
    expect(families.get('mts_test_total')!.samples).toEqual([{ name: 'mts_test_total', labels: { outcome: 'token' }, value: 2 }]);
    expect(families.get('mts_test_seconds')!.samples.find((s) => s.name === 'mts_test_seconds_count')!.value).toBe(2);
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
  });

  it('answers a scraped gauge from the newest attached reader, and nothing once every reader is detached', async () => {
    const registry = createMetricsRegistry();
    const config = { name: 'mts_test_requests', help: 'h', labelNames: ['status'] as const };
    const detachOld = scrapedGauge(registry, config, async () => [[{ status: 'processed' }, 1]]);
    const detachNew = scrapedGauge(registry, config, async () => [[{ status: 'processed' }, 7]]);
    const value = async () => parsePrometheusText(await registry.metrics()).get('mts_test_requests')!.samples.map((s) => s.value);
    expect(await value()).toEqual([7]);
    detachNew();
    expect(await value()).toEqual([1]);
    detachOld();
    expect(await value()).toEqual([]);
  });

  it('leaves a gauge empty when its reader fails, without failing the scrape', async () => {
    const registry = createMetricsRegistry();
    scrapedGauge(registry, { name: 'mts_test_broken', help: 'h', labelNames: ['status'] }, async () => {
      throw new Error('database is gone');
    });
    expect(parsePrometheusText(await registry.metrics()).get('mts_test_broken')!.samples).toEqual([]);
  });

  it('leaves a gauge empty when its reader hangs, and the scrape still answers', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const registry = createMetricsRegistry();
      scrapedGauge(registry, { name: 'mts_test_hung', help: 'h', labelNames: ['status'] }, () => new Promise(() => undefined));
      const scrape = registry.metrics();
      await jest.advanceTimersByTimeAsync(2000);
      expect(parsePrometheusText(await scrape).get('mts_test_hung')!.samples).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
