/**
 * Differential tests: every corpus case runs through our engine and the real `jq` binary (Debian's `jq`,
 * installed by .ci/run); results must be identical JSON, key order included. Without jq they are skipped with a
 * line in the run's summary saying what to install (a failure under CI).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requires } from '@mts/testing';
import { compileJq, compileJqFirst, JqError } from '../src/index.js';

interface Case { name?: string; expr: string; input: unknown; mode: 'all' | 'first' | 'fail-compile' | 'fail-runtime' }

const JQ = process.env['JQ_BIN'] || 'jq';
const cases: Case[] = JSON.parse(readFileSync(join(__dirname, 'jq-corpus', 'cases.json'), 'utf8'));

// Input goes through a file, not stdin: jq exits on a compile error without reading stdin (EPIPE).
const workDir = mkdtempSync(join(tmpdir(), 'jq-differential-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let fileNo = 0;

function runJq(expr: string, input: unknown): { status: number | null; lines: string[]; stderr: string } {
  const file = join(workDir, `input-${fileNo++}.json`);
  writeFileSync(file, JSON.stringify(input));
  const r = spawnSync(JQ, ['-c', expr, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`the jq binary ("${JQ}") is required for the differential tests: ${r.error.message}. Install the Debian package jq.`);
  return { status: r.status, lines: r.stdout.split('\n').filter((l) => l !== ''), stderr: r.stderr };
}

// Normalises number text (jq prints 1e+17, JSON.stringify 100000000000000000) while keeping key order.
const canonical = (v: unknown): string => JSON.stringify(v);

describe('corpus', () => {
  it('has at least 60 cases that must agree and some that must fail', () => {
    expect(cases.filter((c) => c.mode === 'all' || c.mode === 'first').length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.mode.startsWith('fail')).length).toBeGreaterThanOrEqual(20);
  });
});

describe('deliberately absent builtins', () => {
  it.each(['env', '$ENV', 'env.HOME', '$ENV.PATH', 'input', 'inputs', '[inputs]', 'debug', 'debug("x")', 'stderr', 'input_filename',
    'input_line_number', 'halt', 'halt_error', 'halt_error(1)', 'now', 'localtime', '$__prog_args', 'import "a" as a; .', 'include "a"; .',
    'get_search_list', '{a: env.SECRET}', '.a | debug'])('%s is rejected at compile time with JQ_FORBIDDEN', (expr) => {
    expect(() => compileJq(expr)).toThrow(expect.objectContaining({ code: 'JQ_FORBIDDEN' }));
    expect(() => compileJqFirst(expr)).toThrow(expect.objectContaining({ code: 'JQ_FORBIDDEN' }));
  });
});

requires('jq')('differential against the jq binary', () => {
  describe('jq binary', () => {
    it('is installed', () => {
      const r = spawnSync(JQ, ['--version'], { encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(r.stdout).toMatch(/^jq-1\./);
    });
  });

  describe.each(cases.filter((c) => c.mode === 'all').map((c) => [c.name ?? c.expr, c] as const))('all outputs: %s', (_n, c) => {
    it('matches jq', () => {
      const jq = runJq(c.expr, c.input);
      expect(jq.stderr).toBe('');
      expect(jq.status).toBe(0);
      expect(compileJq(c.expr)(c.input).map(canonical)).toEqual(jq.lines.map((l) => canonical(JSON.parse(l))));
    });
  });

  describe.each(cases.filter((c) => c.mode === 'first').map((c) => [c.name ?? c.expr, c] as const))('first output (outputFormat): %s', (_n, c) => {
    it('matches the first line of jq -c', () => {
      const jq = runJq(c.expr, c.input);
      expect(jq.status).toBe(0);
      expect(jq.lines.length).toBeGreaterThan(0);
      expect(canonical(compileJqFirst(c.expr)(c.input))).toBe(canonical(JSON.parse(jq.lines[0])));
    });
  });

  describe.each(cases.filter((c) => c.mode === 'fail-compile').map((c) => [c.expr, c] as const))('fails to compile: %s', (_n, c) => {
    it('is rejected by jq and by us (JQ_PARSE, a JqError)', () => {
      expect(runJq(c.expr, c.input).status).not.toBe(0);
      expect(() => compileJq(c.expr)).toThrow(expect.objectContaining({ code: 'JQ_PARSE' }));
      let caught: unknown;
      try { compileJqFirst(c.expr); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(JqError);
      expect((caught as JqError).code).toBe('JQ_PARSE');
    });
  });

  describe.each(cases.filter((c) => c.mode === 'fail-runtime').map((c) => [c.expr, c] as const))('fails at run time: %s', (_n, c) => {
    it('errors in jq and throws JQ_RUNTIME here', () => {
      expect(runJq(c.expr, c.input).status).toBe(5);
      const run = compileJq(c.expr);
      let caught: unknown;
      try { run(c.input); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(JqError);
      expect((caught as JqError).code).toBe('JQ_RUNTIME');
    });
  });

  describe('deliberately absent builtins', () => {
    it('while the real jq does expose the environment (MTS bug 7)', () => {
      const r = runJq('env | type', null);
      expect(r.lines).toEqual(['"object"']);
    });
  });
});
