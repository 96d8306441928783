import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/** A Prometheus registry (prom-client's); one per process is enough, one per app instance is allowed. */
export type MetricsRegistry = Registry;

// Process metrics are collected once per registry: the API and the worker of one process share them.
const withDefaults = new WeakSet<Registry>();

/**
 * A registry with Node's process metrics (`process_*`, `nodejs_*`). Apps take one in their options and create
 * their own when none is given, so tests may start several apps in one process without a "metric already
 * registered" error; `tools/scripts/service.mjs` passes one to both the API and the worker, so one scrape has all.
 * @example const registry = createMetricsRegistry(); await startApi(config, { metrics: registry });
 */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  ensureProcessMetrics(registry);
  return registry;
}

/** Adds the process metrics to `registry` unless they are there already. */
export function ensureProcessMetrics(registry: MetricsRegistry): void {
  if (withDefaults.has(registry) || registry.getSingleMetric('process_cpu_seconds_total')) return;
  withDefaults.add(registry);
  collectDefaultMetrics({ register: registry });
}

type Config<C> = Omit<C, 'registers' | 'collect'>;

/** The counter named `config.name` in `registry`, created if it is not there (a shared registry: one per name). */
export function counterIn<L extends string>(registry: MetricsRegistry, config: Config<CounterConfiguration<L>>): Counter<L> {
  return (registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter<L>({ ...config, registers: [registry] });
}

/** The histogram named `config.name` in `registry`, created if it is not there. */
export function histogramIn<L extends string>(registry: MetricsRegistry, config: Config<HistogramConfiguration<L>>): Histogram<L> {
  return (registry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram<L>({ ...config, registers: [registry] });
}

/** Reads a gauge's values at scrape time: one entry per label set. */
export type GaugeReader<L extends string> = () => Promise<ReadonlyArray<readonly [Partial<Record<L, string>>, number]>>;

const readers = new WeakMap<Registry, Map<string, GaugeReader<string>[]>>();

/**
 * A gauge whose values are read when it is scraped (e.g. requests by status from the store). Several app instances
 * on one registry may each attach a reader; the newest one still attached answers, so a stopped instance detaches
 * and the gauge keeps working. A reader that fails leaves the gauge empty for that scrape (readiness says why).
 * @returns detach: call it when the instance stops.
 * @example const detach = scrapedGauge(registry, { name: 'mts_requests', help: '…', labelNames: ['status'] }, read);
 */
/** How long a scrape waits for a {@link scrapedGauge}'s reader (readiness checks have the same 2 s). */
export const SCRAPE_READ_LIMIT_MS = 2000;

export function scrapedGauge<L extends string>(registry: MetricsRegistry, config: Config<GaugeConfiguration<L>>, read: GaugeReader<L>): () => void {
  let byName = readers.get(registry);
  if (!byName) readers.set(registry, (byName = new Map()));
  let list = byName.get(config.name);
  if (!list) {
    const attached: GaugeReader<string>[] = (list = []);
    byName.set(config.name, list);
    new Gauge<L>({
      ...config,
      registers: [registry],
      async collect() {
        this.reset();
        const current = attached[attached.length - 1];
        if (!current) return;
        // A reader that hangs (a database pool with no free connection) must not hang the scrape: after
        // SCRAPE_READ_LIMIT_MS the gauge is left empty this time, as when the reader fails.
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), SCRAPE_READ_LIMIT_MS);
          timer.unref();
        });
        try {
          const values = await Promise.race([current(), limit]);
          for (const [labels, value] of values ?? []) this.set(labels as Partial<Record<L, string>>, value);
        } catch {
          // Nothing to report this time; the readiness check names the failure.
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
  const own = read as GaugeReader<string>;
  list.push(own);
  const attachedList = list;
  return () => {
    const at = attachedList.indexOf(own);
    if (at !== -1) attachedList.splice(at, 1);
  };
}
