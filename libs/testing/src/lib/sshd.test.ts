import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { requires } from './requires.js';
import { startSshd } from './sshd.js';

jest.setTimeout(60_000);

const userExists = (name: string) => {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const banner = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', (d) => (s.destroy(), resolve(d.toString())));
    s.once('error', reject);
  });

requires('sshd')('startSshd', () => {
  it('runs two servers side by side, each with its own user, host key and directory; close() removes them', async () => {
    const [a, b] = await Promise.all([startSshd(), startSshd()]);
    try {
      expect(a.username).not.toBe(b.username);
      expect(a.port).not.toBe(b.port);
      expect(a.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(a.hostKeyFingerprint).not.toBe(b.hostKeyFingerprint);
      expect(await banner(a.port)).toMatch(/^SSH-2\.0-OpenSSH/);
      expect(statSync(a.home).uid).toBe(a.uid);
      expect(a.uid).not.toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    for (const s of [a, b]) {
      expect(userExists(s.username)).toBe(false);
      expect(existsSync(s.dir)).toBe(false);
    }
    await expect(banner(a.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
