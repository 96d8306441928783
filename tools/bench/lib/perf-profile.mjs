// bench:seed --perf: where the CPU goes, from Linux perf's on-CPU samples (cpu-clock) of every thread of the service
// and of the sandbox. Unlike V8's --cpu-prof, which samples the main thread's wall clock (time it spent preempted
// counts against whatever it was running), perf counts only time a thread was on a core, and it sees every thread:
// the libuv pool that signs, V8's helpers (concurrent GC, the optimising compiler) and the kernel's work on a thread's
// behalf (system calls, page faults). JS frames are named through the perf map that `node --perf-basic-prof` writes.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ownStage, stackStage } from './cpu-profile.mjs';

/** Samples per second per CPU. */
export const PERF_HZ = 997;

/** Whether Linux perf can sample here: the `perf` command, and permission to attach to a running process. */
export async function perfAvailable() {
  return new Promise((resolve) => {
    const p = spawn('perf', ['record', '-e', 'cpu-clock', '-q', '-o', '/dev/null', '-p', String(process.pid), '--', 'sleep', '0.1'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

/**
 * Starts `perf record` on the given processes (all their threads); `stop()` ends it and resolves once the data file is
 * written.
 */
export function startPerf(pids, file) {
  const p = spawn('perf', ['record', '-e', 'cpu-clock', '-F', String(PERF_HZ), '-g', '-q', '-p', pids.join(','), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    async stop() {
      p.kill('SIGINT');
      const { code, signal } = await exited;
      if (code !== 0 && signal !== 'SIGINT') throw new Error(`perf record failed (${code ?? signal}): ${stderr.slice(-300)}`);
    },
  };
}

const GC = /Heap::|Scavenge|MarkCompact|MinorMark|ConcurrentMarking|Sweeper|GarbageCollect|IncrementalMarking/;

/** A perf-map JS frame `JS:*name file:///…/x.js:12:3` (or `JS:~ node:internal/…:1:2`) as `{ functionName, url }`. */
function jsFrame(sym) {
  const body = sym.slice(3).replace(/^[*~^+-]/, '');
  const space = body.indexOf(' ');
  const name = space < 0 ? body : body.slice(0, space);
  const url = space < 0 ? '' : body.slice(space + 1).replace(/:\d+:\d+$/, '').replace(/^file:\/\//, '');
  return { functionName: name, url };
}

/**
 * The thread class of a sample from its stack: V8's platform workers (split into the optimising compiler, whose work
 * fades as a process warms up, and the rest: concurrent marking, sweeping, scavenging), the libuv pool, or unknown.
 */
function threadClass(frames) {
  for (const f of frames) {
    if (f.includes('PlatformWorkerThread') || f.includes('DefaultWorkerThreadsTaskRunner')) {
      return frames.some((g) => g.includes('compiler::') || g.includes('OptimizedCompilationJob')) ? 'v8 compiler' : 'v8 GC (and other helpers)';
    }
    if (f.includes('ThreadPoolWork') || f === 'uv__work_done' || f === 'worker') return 'libuv pool (signing, …)';
  }
  return undefined;
}

/** The stage of a main-thread sample: the innermost JS frame that names one, else its own code's, else GC or native. */
function mainStage(frames) {
  let innermostJs;
  for (const f of frames) {
    if (!f.startsWith('JS:')) continue;
    const frame = jsFrame(f);
    innermostJs ??= frame;
    const stage = stackStage(frame);
    if (stage) return stage;
  }
  if (frames.some((f) => GC.test(f))) return 'gc';
  if (innermostJs) return ownStage(innermostJs);
  return withoutJs(frames);
}

/** Where a main-thread sample with no JS frame on its stack ran: the kernel, or native code. */
function withoutJs(frames) {
  return frames.some((f) => f.includes('sys_') || f.startsWith('entry_SYSCALL')) ? 'kernel (no JS on the stack)' : 'native (no JS on the stack)';
}

// The packages a main-thread sample can be charged to, by the path of a JS frame's file (workspace or installed).
const COMPONENTS = [
  ['IDA client (authenticator, undici)', /(libs\/|@mts\/)authenticator\/|node_modules\/undici\//],
  ['store (@mts/store, better-sqlite3)', /(libs\/|@mts\/)store\/|node_modules\/better-sqlite3\//],
  ['queue (agenda)', /(libs\/|@mts\/)agenda-sqlite\/|node_modules\/agenda\//],
  ['API (apps/api, express, multer)', /apps\/api\/|@mts\/api\/|node_modules\/(express|multer|body-parser|router|busboy)\//],
  ['input and output (parsers, field-mapping, connectors, jq)', /(libs\/|@mts\/)(parsers|field-mapping|connectors|jq)\//],
  ['worker (apps/worker)', /apps\/worker\/|@mts\/worker\//],
];
// @mts/crypto serves both the client and the store: its frames go to whoever called them.
const SHARED = /(libs\/|@mts\/)crypto\//;

/**
 * The component of a main-thread sample: GC wherever it ran; else the innermost JS frame from one of COMPONENTS
 * (frames of @mts/crypto are passed over, so its work goes to its caller), else any other package, else node's own JS;
 * without JS on the stack, the kernel or native code, as for the stages.
 */
function mainComponent(frames) {
  if (frames.some((f) => GC.test(f))) return 'gc';
  let sawJs = false;
  let shared = false;
  for (const f of frames) {
    if (!f.startsWith('JS:')) continue;
    sawJs = true;
    const { url } = jsFrame(f);
    if (SHARED.test(url)) {
      shared = true;
      continue;
    }
    for (const [name, pattern] of COMPONENTS) if (pattern.test(url)) return name;
    if (/node_modules\/|\/libs\/|@mts\//.test(url)) return 'other packages';
  }
  if (shared) return 'crypto helpers (no caller seen)';
  return sawJs ? "node's own JS only" : withoutJs(frames);
}

/**
 * Reads `perf script` of a `startPerf` file into CPU ms per record: for each named process its threads by class (main,
 * libuv pool, V8 helpers) and, for processes in `stagesFor`, the main thread's stages and the components (packages)
 * its samples were in.
 */
export async function perfBreakdown(file, pidNames, records, stagesFor = ['service']) {
  const script = spawn('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const byPid = new Map(Object.entries(pidNames).map(([name, pid]) => [pid, name]));
  // Sample counts: process name → thread class → n, and process name → main-thread stage → n.
  const threads = {};
  const stages = {};
  const components = {};
  const count = (table, name, key, n = 1) => {
    const row = (table[name] ??= {});
    row[key] = (row[key] ?? 0) + n;
  };
  // Samples whose stacks perf could not unwind far are shared out in proportion to their thread's other samples: one
  // V8 helper thread runs both GC and compiler tasks.
  const tidClasses = new Map(); // tid → class → n
  const unresolved = new Map(); // tid → { name, n }
  let head;
  let frames = [];
  const flush = () => {
    if (!head) return;
    const [pid, tid] = head;
    const name = byPid.get(pid);
    if (name !== undefined) {
      const cls = tid === pid ? 'main' : threadClass(frames);
      if (tid !== pid && cls) {
        const seen = tidClasses.get(tid) ?? new Map();
        tidClasses.set(tid, seen.set(cls, (seen.get(cls) ?? 0) + 1));
      }
      if (cls) count(threads, name, cls);
      else unresolved.set(tid, { name, n: (unresolved.get(tid)?.n ?? 0) + 1 });
      if (cls === 'main' && stagesFor.includes(name)) {
        count(stages, name, mainStage(frames));
        count(components, name, mainComponent(frames));
      }
    }
    head = undefined;
    frames = [];
  };
  for await (const line of createInterface({ input: script.stdout })) {
    if (line.trim() === '') flush();
    else if (!line.startsWith('\t') && !line.startsWith('        ')) {
      flush();
      const m = /(\d+)\/(\d+)\s*$/.exec(line);
      head = m ? [Number(m[1]), Number(m[2])] : undefined;
    } else {
      const t = line.trim();
      const space = t.indexOf(' ');
      frames.push(space < 0 ? t : t.slice(space + 1));
    }
  }
  flush();
  for (const [tid, { name, n }] of unresolved) {
    const seen = tidClasses.get(tid);
    if (!seen) {
      count(threads, name, 'other threads', n);
      continue;
    }
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    for (const [cls, k] of seen) count(threads, name, cls, (n * k) / total);
  }
  const ms = (samples) => Math.round((samples / PERF_HZ / records) * 1e6) / 1000;
  // Counts as ms per record, largest first.
  const perRecord = (counts) => Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, ms(v)]));
  const out = {};
  for (const [name, byClass] of Object.entries(threads)) {
    out[name] = { cpuMsPerRecord: ms(Object.values(byClass).reduce((a, b) => a + b, 0)), threads: perRecord(byClass) };
    if (stages[name]) out[name].mainThreadStages = perRecord(stages[name]);
    if (components[name]) out[name].mainThreadComponents = perRecord(components[name]);
  }
  return out;
}

/**
 * bench:seed --perf-keep DIR: keeps a run's perf data for a closer look than the breakdown (`perf report`), with the
 * JS symbol map of each process that wrote one and `pids.json` (process name → pid). perf reads a map from
 * /tmp/perf-<pid>.map, so the maps are copied back there before `perf report`.
 */
export function keepPerf(dir, file, pids) {
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, 'perf.data'));
  for (const pid of Object.values(pids)) {
    const map = `/tmp/perf-${pid}.map`;
    if (existsSync(map)) copyFileSync(map, join(dir, `perf-${pid}.map`));
  }
  writeFileSync(join(dir, 'pids.json'), `${JSON.stringify(pids)}\n`);
  process.stderr.write(`perf data kept in ${dir}: cp ${dir}/perf-*.map /tmp/ && perf report -i ${dir}/perf.data --tid <pid>\n`);
}
