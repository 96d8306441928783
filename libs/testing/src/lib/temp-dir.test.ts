import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from './temp-dir.js';

describe('createTempDir', () => {
  it('creates a writable directory and removes it with its contents', async () => {
    const dir = await createTempDir('t-');
    writeFileSync(join(dir.path, 'x.txt'), 'x');
    expect(existsSync(join(dir.path, 'x.txt'))).toBe(true);
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
  });
});
