import { chmodSync, statSync } from 'node:fs';
import { tempDir } from '../../test/helpers.js';
import { SqliteConnection } from './connection.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the job database file', () => {
  const tmp = tempDir('agenda-modes-');
  let umask: number;
  beforeEach(() => (umask = process.umask(0o022)));
  afterEach(() => process.umask(umask));
  afterAll(() => tmp.cleanup());

  it('is created 0600 with its -wal and -shm, whatever the umask, and tightened when an earlier run left it readable', () => {
    const path = tmp.file('jobs.sqlite');
    const first = new SqliteConnection({ path });
    first.open().exec('CREATE TABLE t (x)');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, modeOf(file)]).toEqual([file, 0o600]);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
    const second = new SqliteConnection({ path });
    second.open();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, modeOf(file)]).toEqual([file, 0o600]);
    second.close();
    first.close();
  });
});
