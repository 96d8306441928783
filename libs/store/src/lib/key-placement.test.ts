import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { loadOrCreateDataKey } from './data-key.js';
import { dataKeyAdvice } from './key-placement.js';

let dir: TempDir;
beforeEach(async () => (dir = await createTempDir('key-placement-')));
afterEach(async () => dir.remove());

test('advises once when the key file sits in the data directory, never with MTS_DATA_KEY, never naming the key', () => {
  const keyFile = join(dir.path, 'data.key');
  expect(dataKeyAdvice({ keyFile, dataDir: dir.path })).toBeUndefined(); // no key file yet
  loadOrCreateDataKey({ keyFile });
  const key = readFileSync(keyFile, 'utf8').trim();
  expect(dataKeyAdvice({ dataKey: key, keyFile, dataDir: dir.path })).toBeUndefined();
  const advice = dataKeyAdvice({ keyFile, dataDir: dir.path });
  expect(advice).toMatch(/^the data key file is in the data directory.*MTS_DATA_KEY/);
  expect(advice).not.toContain(key);
  expect(dataKeyAdvice({ keyFile, dataDir: dir.path })).toBeUndefined(); // once per process
});

test('a key file outside the data directory, on the same file system, is not said to be in it', () => {
  const dataDir = join(dir.path, 'data');
  mkdirSync(dataDir);
  const keyFile = join(dir.path, 'elsewhere.key');
  loadOrCreateDataKey({ keyFile });
  const advice = dataKeyAdvice({ keyFile, dataDir });
  expect(advice).toMatch(/^the data key file is on the same file system as the data directory/);
  expect(advice).not.toMatch(/in the data directory/);
});
