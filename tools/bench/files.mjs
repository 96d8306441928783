// bench:files — what the encrypted request files cost: an output of --mb megabytes of CSV rows written through the
// store (store.writeOutput, as the deliver job writes a request's output), then downloaded over HTTP
// (store.openOutput piped to the response, as GET authtoken/file does) by this process as fast as it can read.
// Each phase runs in a fresh child process with the service's heap flags (MTS_NODE_HEAP_FLAGS, default
// --max-semi-space-size=8 --max-old-space-size=96), so its figures are its own: CPU ms per MB, and how far RSS and
// V8's external memory rose above where they were before the phase (sampled every 5 ms). Buffers the files code drops
// wait for a GC as external memory, so their rate shows in the peaks. A CSV upload is read back the same way as a
// download (the ingest's openInput). One JSON line; never asserted in tests. `--engine postgres` keeps the files in
// PostgreSQL rows (MTS_TEST_PG_URL, default the test server), in a schema of its own, dropped at the end.
//   npm run bench:files -- --mb 60 --repeat 2
//   npm run bench:files -- --mb 60 --engine postgres
import { fork } from 'node:child_process';
import { createServer, request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { benchStorePlace, openStoreAt, removeStorePlace } from './lib/bench-store.mjs';

const { values: opts } = parseArgs({
  options: {
    mb: { type: 'string', default: '60' },
    engine: { type: 'string', default: 'sqlite' },
    repeat: { type: 'string', default: '1' },
    child: { type: 'string' },
  },
});
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

// Rows as the output's CSV writer hands them over: a string of about 64 KiB at a time, of 61-byte lines. Made once and
// handed over again and again, so that the write phase measures the files code, not the making of the text.
const BLOCK = Array.from({ length: 1074 }, (_, i) => `${2000000000 + i},${'7'.repeat(36)},processed,,\r\n`).join('');

/** How many blocks make at least `bytes`, and their size. */
const blocks = (bytes) => {
  const count = Math.ceil(bytes / BLOCK.length);
  return { count, bytes: count * BLOCK.length };
};

if (opts.child) await runChild(JSON.parse(opts.child));
else await runParent();

async function runParent() {
  const heapFlags = (process.env.MTS_NODE_HEAP_FLAGS ?? '--max-semi-space-size=8 --max-old-space-size=96').split(' ').filter(Boolean);
  const runs = [];
  for (let r = 0; r < Number(opts.repeat); r++) {
    const place = benchStorePlace(opts.engine, 'filesbench-');
    try {
      const written = await child(heapFlags, { ...place, phase: 'write', mb: Number(opts.mb) });
      const read = await child(heapFlags, { ...place, phase: 'read', id: written.id, mb: Number(opts.mb) }, download);
      const expected = blocks(Number(opts.mb) * 2 ** 20).bytes;
      if (read.downloadedBytes !== expected) throw new Error(`bench:files: downloaded ${read.downloadedBytes} bytes of ${expected}`);
      runs.push({ write: written.figures, read: read.figures, downloadedBytes: read.downloadedBytes });
    } finally {
      await removeStorePlace(place);
    }
  }
  console.log(JSON.stringify({ bench: 'files', engine: opts.engine, mb: Number(opts.mb), runs }));
}

/** Runs one phase in a child; `onServing(port)` is called when the child serves the download. */
function child(heapFlags, task, onServing) {
  return new Promise((resolve, reject) => {
    const c = fork(new URL(import.meta.url).pathname, ['--child', JSON.stringify(task)], { execArgv: heapFlags });
    const fail = (error) => {
      c.kill();
      reject(error);
    };
    let result;
    c.on('error', fail);
    c.on('message', (m) => {
      if (m.serving) onServing(m.serving).then((downloadedBytes) => c.send({ downloaded: downloadedBytes }), fail);
      else result = m;
    });
    c.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`bench:files: the ${task.phase} phase exited with ${code}`))));
  });
}

/** Reads the whole download and drops it, as fast as the socket gives it. */
function download(port) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let bytes = 0;
      res.on('data', (b) => (bytes += b.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

async function runChild(task) {
  const store = await openStoreAt(task);
  try {
    if (task.phase === 'write') {
      const { id } = await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
      await store.beginIngest(id);
      await store.endIngest(id, { chunkCount: 0 });
      await store.beginDelivery(id);
      const figures = await measure(task.mb, () => store.writeOutput(id, rows(task.mb * 2 ** 20)));
      await store.outputWritten(id, 'processed');
      process.send({ id, figures });
    } else {
      let downloadedBytes = 0;
      const server = createServer(async (req, res) => pipeline(await store.openOutput(task.id), res));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const figures = await measure(task.mb, async () => {
        process.send({ serving: server.address().port });
        downloadedBytes = await new Promise((r) => process.once('message', (m) => r(m.downloaded)));
      });
      server.close();
      process.send({ figures, downloadedBytes });
    }
  } finally {
    await store.close();
  }
  process.disconnect();
}

async function* rows(bytes) {
  for (let i = blocks(bytes).count; i > 0; i--) yield BLOCK;
}

/** Runs `fn` and reports its CPU per MB moved and the rise of RSS and external memory above the start. */
async function measure(size, fn) {
  await new Promise((r) => setTimeout(r, 100));
  const base = process.memoryUsage();
  const peak = { rss: base.rss, external: base.external };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.external = Math.max(peak.external, m.external);
  }, 5);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  return {
    cpuMsPerMb: Math.round(((cpu.user + cpu.system) / 1000 / size) * 100) / 100,
    wallMs: Math.round(wallMs),
    rssStartMb: mb(base.rss),
    rssRiseMb: mb(peak.rss - base.rss),
    externalRiseMb: mb(peak.external - base.external),
  };
}
