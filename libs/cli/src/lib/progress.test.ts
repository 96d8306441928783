import { createProgress, duration } from './progress.js';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, write: (t: string) => out.push(t) };
};

describe('progress', () => {
  it('non-TTY: a plain line per interval with count, rate, percentage and ETA; nothing before the first interval', () => {
    let t = 0;
    const s = sink(false);
    const p = createProgress(s, { intervalMs: 1000, quiet: false, now: () => t });
    t = 500;
    p.update({ done: 50, fraction: 0.05 });
    expect(s.out).toEqual([]);
    t = 10_000;
    p.update({ done: 1000, fraction: 0.25 });
    t = 10_500;
    p.update({ done: 1010, fraction: 0.26 });
    expect(s.out).toEqual(['mts-seed: 1000 records, 100/s, 25%, ETA 30s\n']);
  });

  it('a resumed run counts its ETA from where it started, and says how many came from the journal', () => {
    let t = 0;
    const s = sink(false);
    const p = createProgress(s, { intervalMs: 1000, quiet: false, now: () => t });
    p.update({ done: 0, resumed: 5000, resuming: true, fraction: 0.5 });
    t = 10_000;
    p.update({ done: 1000, resumed: 5000, resuming: true, fraction: 0.6 });
    expect(s.out).toEqual(['mts-seed: 6000 records, 5000 from the journal, 100/s, 60%, ETA 40s\n']);
  });

  it('TTY: one line rewritten in place, cleared at the end; --quiet prints nothing', () => {
    let t = 0;
    const s = sink(true);
    const p = createProgress(s, { intervalMs: 1000, quiet: false, now: () => t });
    t = 1000;
    p.update({ done: 10, total: 100, phase: 'processing' });
    p.update({ done: 11, total: 100 }); // within 200 ms: not redrawn
    p.end();
    expect(s.out).toEqual(['\r\x1b[Kmts-seed: 10/100 records, 10/s, 10%, ETA 9s, processing', '\r\x1b[K']);
    const q = sink(true);
    const quiet = createProgress(q, { intervalMs: 1000, quiet: true, now: () => t });
    quiet.update({ done: 1 });
    quiet.end();
    expect(q.out).toEqual([]);
  });

  it('formats durations', () => {
    expect([duration(5), duration(75), duration(3725)]).toEqual(['5s', '1m15s', '1h02m']);
  });
});
