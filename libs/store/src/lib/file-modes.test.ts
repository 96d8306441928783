import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { createKeyring, dataKeyFromBytes } from './data-key.js';
import { openStore } from './store.js';

const keyring = createKeyring(dataKeyFromBytes(Buffer.alloc(32, 7)));
const modeOf = (path: string) => statSync(path).mode & 0o777;
let dir: TempDir;
let umask: number;
beforeEach(async () => {
  dir = await createTempDir('store-modes-');
  umask = process.umask(0o022); // the usual default, which left everything world-readable
});
afterEach(async () => {
  process.umask(umask);
  await dir.remove();
});

test('a new store makes the data dir 0700 and seeder.sqlite with its -wal and -shm 0600', async () => {
  const data = join(dir.path, 'data');
  const store = await openStore({ path: join(data, 'seeder.sqlite'), keyring });
  try {
    await store.createRequest({ inputKind: 'odk', config: { output: 'csv', deliverytype: 'download' } });
    expect(modeOf(data)).toBe(0o700);
    for (const file of ['seeder.sqlite', 'seeder.sqlite-wal', 'seeder.sqlite-shm']) expect([file, modeOf(join(data, file))]).toEqual([file, 0o600]);
  } finally {
    await store.close();
  }
});

test('files and a data dir left readable by an earlier version are made private at open', async () => {
  const data = join(dir.path, 'old');
  const path = join(data, 'seeder.sqlite');
  const first = await openStore({ path, keyring });
  const files = ['seeder.sqlite', 'seeder.sqlite-wal', 'seeder.sqlite-shm'];
  chmodSync(data, 0o755);
  for (const file of files) chmodSync(join(data, file), 0o644); // as an earlier version left them
  const second = await openStore({ path, keyring });
  try {
    expect(modeOf(data)).toBe(0o700);
    for (const file of files) expect([file, modeOf(join(data, file))]).toEqual([file, 0o600]);
  } finally {
    await second.close();
    await first.close();
  }
});
