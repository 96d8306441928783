// Preloaded into the service's processes by bench:seed --alloc-prof (node --import): the first SIGUSR2 starts V8's
// sampling heap profiler with the objects GC later collected included (so it counts what was allocated, not what
// is still alive), the second stops it and writes the profile to $MTS_BENCH_ALLOC_DIR/alloc-<pid>.json. Nothing
// else changes in the process; without the signals it only listens.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const session = new Session();
session.connect();
let sampling = false;
process.on('SIGUSR2', () => {
  if (!sampling) {
    session.post('HeapProfiler.enable');
    // One sample per 16 KiB allocated on average; V8 scales the samples back to bytes.
    session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    sampling = true;
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (error) return;
    // Whole or not at all: the bench waits for the file to appear, then reads it.
    const file = join(process.env.MTS_BENCH_ALLOC_DIR ?? '.', `alloc-${process.pid}.json`);
    writeFileSync(`${file}.part`, JSON.stringify(result.profile));
    renameSync(`${file}.part`, file);
  });
});
