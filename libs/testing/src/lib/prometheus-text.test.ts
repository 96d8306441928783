import { parsePrometheusText } from './prometheus-text';

const GOOD = `# HELP up_total Things.
# TYPE up_total counter
up_total{kind="a",note="q\\"x\\\\y"} 3
up_total 1.5e3
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1",route="/x"} 1
lat_seconds_bucket{le="+Inf",route="/x"} 2
lat_seconds_sum{route="/x"} 0.3
lat_seconds_count{route="/x"} 2
`;

describe('parsePrometheusText', () => {
  it('reads families, labels with escapes, and histograms', () => {
    const families = parsePrometheusText(GOOD);
    expect(families.get('up_total')).toMatchObject({ type: 'counter', help: 'Things.' });
    expect(families.get('up_total')!.samples).toEqual([
      { name: 'up_total', labels: { kind: 'a', note: 'q"x\\y' }, value: 3 },
      { name: 'up_total', labels: {}, value: 1500 },
    ]);
    expect(families.get('lat_seconds')!.samples).toHaveLength(4);
  });

  it.each([
    ['a sample without TYPE', 'x 1\n'],
    ['a bad value', '# TYPE x gauge\nx one\n'],
    ['a bad label name', '# TYPE x gauge\nx{1a="b"} 1\n'],
    ['an unterminated label', '# TYPE x gauge\nx{a="b} 1\n'],
    ['no final newline', '# TYPE x gauge\nx 1'],
    ['TYPE repeated', '# TYPE x gauge\n# TYPE x gauge\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a histogram whose buckets shrink', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ['a histogram _count off its +Inf bucket', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
