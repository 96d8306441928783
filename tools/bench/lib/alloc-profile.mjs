// bench:seed --alloc-prof: reads the allocation profiles lib/alloc-sampler.mjs wrote (V8 sampling heap profiles with
// collected objects included) and says how much each process allocated on the JS heap per record, and where: each
// sample is charged to its innermost frames (function@file:line, node's own modules without the node: prefix,
// packages by their path under node_modules), the four innermost joined innermost first. Buffers' backing stores are
// not on the JS heap and are not counted; the strings and objects around them are.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLER = join(import.meta.dirname, 'alloc-sampler.mjs');

/** Node flags that preload the sampler into a process. */
export const allocProfFlags = () => ['--import', SAMPLER];

/** Starts (first call) or stops and writes (second call) the sampler in every pid. */
export function toggleAllocSampling(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // A supervised child restarted during the run: its successor has no profile, and the summary says so.
    }
  }
}

/**
 * Waits for each pid's profile in `dir` (up to 10 s) and summarises them per record: `{ [name]: { kbPerRecord, top } }`,
 * or `{ [name]: null }` for a process that wrote none.
 */
export async function allocationSummary(dir, pidsByName, records, topN = 12) {
  const out = {};
  for (const [name, pid] of Object.entries(pidsByName)) {
    const file = join(dir, `alloc-${pid}.json`);
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    if (!existsSync(file)) {
      process.stderr.write(`bench: no allocation profile from ${name} (pid ${pid})\n`);
      out[name] = null;
      continue;
    }
    const sites = new Map();
    let total = 0;
    const frame = (cf) => `${cf.functionName || '(anonymous)'}@${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    // `callers`: the three frames above this node, innermost first (a site is four frames deep).
    const walk = (node, callers) => {
      const here = [frame(node.callFrame), ...callers];
      if (node.selfSize > 0) {
        total += node.selfSize;
        const key = here.join(' <- ');
        sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, here.slice(0, 3));
    };
    walk(JSON.parse(readFileSync(file, 'utf8')).head, []);
    const kb = (bytes) => Math.round((bytes / 1024 / records) * 100) / 100;
    out[name] = {
      kbPerRecord: kb(total),
      top: [...sites].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([site, bytes]) => ({ kbPerRecord: kb(bytes), site })),
    };
  }
  return out;
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const repo = url.search(/\/(libs|apps|tools)\//);
  if (repo >= 0) return url.slice(repo + 1);
  return url.replace(/^node:/, '');
}
