import { statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

const reported = new Set<string>();

const REMEDY = 'in production set MTS_DATA_KEY or mount the key file from a secret';
const IN_DATA_DIR = `the data key file is in the data directory, so a copy of the directory carries the key to its data: ${REMEDY}`;
const SAME_VOLUME = `the data key file is on the same file system as the data directory, so a copy of that volume carries the key to its data: ${REMEDY}`;

/**
 * Advice, when the data key lies beside the data it protects: read from a key file on the same file system as the data
 * directory, so that a backup or copy of that volume carries the key with the data. It says "in the data directory"
 * only when the file is under it. `MTS_DATA_KEY` (`dataKey`) or a key file mounted from elsewhere (a secret volume)
 * is fine. Given only once per key file and process, so that a process running both the API and the worker warns
 * once. It names no secret.
 *
 * @example const advice = dataKeyAdvice({ dataKey, keyFile, dataDir }); if (advice) log.warn(advice, { keyFile });
 */
export function dataKeyAdvice(options: { dataKey?: string; keyFile: string; dataDir: string }): string | undefined {
  if (options.dataKey !== undefined && options.dataKey !== '') return undefined;
  let beside: boolean;
  try {
    beside = statSync(options.keyFile).dev === statSync(options.dataDir).dev;
  } catch {
    return undefined; // no key file (yet): nothing to say
  }
  if (!beside || reported.has(options.keyFile)) return undefined;
  reported.add(options.keyFile);
  const path = relative(options.dataDir, options.keyFile);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path) ? IN_DATA_DIR : SAME_VOLUME;
}
