import { readConfig } from './config.js';

describe('readConfig', () => {
  it('takes flags over IDA_SANDBOX_* variables and applies defaults', () => {
    const r = readConfig(['--port', '0', '--latency-ms', '25'], { IDA_SANDBOX_PORT: '9999', IDA_SANDBOX_MAX_RPS: '50', IDA_SANDBOX_MAX_CONCURRENT: '16' });
    expect('options' in r && r.options).toMatchObject({ port: 0, host: '127.0.0.1', latencyMs: 25, maxRps: 50, maxConcurrent: 16 });
    expect('options' in r && Object.isFrozen(r.options)).toBe(true);
  });

  it('reports every bad setting at once, naming flag and variable', () => {
    const r = readConfig(['--port', 'x', '--failure-rate', '2', '--failure-mode', 'sometimes', '--max-concurrent', '2.5'], {});
    expect('problems' in r && r.problems).toEqual([
      expect.stringContaining('--port (IDA_SANDBOX_PORT)'),
      expect.stringContaining('--failure-rate (IDA_SANDBOX_FAILURE_RATE)'),
      expect.stringContaining('--failure-mode (IDA_SANDBOX_FAILURE_MODE)'),
      expect.stringContaining('--max-concurrent (IDA_SANDBOX_MAX_CONCURRENT)'),
    ]);
  });

  it('rejects unknown flags', () => {
    expect('problems' in readConfig(['--nope', '1'], {})).toBe(true);
  });
});
