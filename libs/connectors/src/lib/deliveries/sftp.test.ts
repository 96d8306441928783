// The SFTP delivery's wiring, with a recording uploader (the upload itself is tested against real sshd in
// @mts/sftp, and end to end in apps/worker/test/sftp*.test.ts).
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { SftpError, type uploadFile } from '@mts/sftp';
import type { RequestConfig } from '@mts/envelope';
import type { DeliveryContext } from '../delivery.js';
import { createSeedValidator } from '../registry.js';
import { createSftpDelivery } from './sftp.js';

const FP = `SHA256:${'b'.repeat(43)}`;
const props = { host: 'sftp.example.org', username: 'mts', password: 'pw', hostKeyFingerprint: FP, remotePath: '/in', fileName: 'seed-{date}-{requestId}.{output}' };

function context(config: Partial<RequestConfig>, options?: Record<string, unknown>): DeliveryContext {
  return {
    requestId: 'r-1',
    config: { output: 'csv', deliverytype: 'sftp', sftpProperties: props, ...config },
    openOutput: async () => Readable.from(['vid,status\n', '1,SUCCESS\n']),
    undeliveredRows: async function* () {},
    mark: async () => undefined,
    options,
    requestedAt: new Date('2026-01-02T03:04:05Z'),
  };
}

test('uploads the stored output under the rendered name, with the outbound policy applied to the address', async () => {
  const calls: { target: Parameters<typeof uploadFile>[0]; body: string; allowed: boolean[]; attempts?: number }[] = [];
  const upload: typeof uploadFile = async (target, source, options) => {
    const allowed = [options!.allowAddress!('h', '127.0.0.1'), options!.allowAddress!('h', '203.0.114.9')];
    calls.push({ target, body: await text((await source()) as Readable), allowed, attempts: options!.attempts });
    return { remoteFile: '/in/x', bytes: 1, attempts: 1, renamedBy: 'posix-rename' };
  };
  const outcome = await createSftpDelivery(upload).deliver!(context({}, { outbound: { denyPrivate: true }, attempts: 5 }));
  expect(outcome).toEqual({ ok: true, delivered: 1 });
  expect(calls).toEqual([
    { target: { ...props, fileName: 'seed-2026-01-02-r-1.csv' }, body: 'vid,status\n1,SUCCESS\n', allowed: [false, true], attempts: 5 },
  ]);
});

test('a failed upload is the failure code; a store failure reading the output is thrown for the job to retry', async () => {
  const refuse: typeof uploadFile = async () => {
    throw new SftpError('SFTP_HOST_KEY_MISMATCH', 'no');
  };
  expect(await createSftpDelivery(refuse).deliver!(context({ output: 'json' }))).toEqual({ ok: false, code: 'SFTP_HOST_KEY_MISMATCH', delivered: 0, failed: 1 });
  const storeError = Object.assign(new Error('gone'), { code: 'STORE_FILE_MISSING' });
  const unreadable: typeof uploadFile = async () => {
    throw new SftpError('SFTP_SOURCE_FAILED', 'x', { cause: storeError });
  };
  await expect(createSftpDelivery(unreadable).deliver!(context({}))).rejects.toBe(storeError);
  expect(await createSftpDelivery(refuse).deliver!(context({ sftpProperties: null }))).toMatchObject({ ok: false, code: 'SFTP_INVALID_OPTIONS' });
});

test('the registered envelope parses the private key with ssh2: an unusable key is ATS-REQ-085', () => {
  const body = (sftpProperties: unknown) => ({
    id: 'x', version: 'x', metadata: 'x', requesttime: '2024-05-01T10:20:30.123Z',
    request: { output: 'csv', deliverytype: 'sftp', authdata: [{ vid: '1' }], sftpProperties },
  });
  const { validate } = createSeedValidator();
  const { password: _pw, ...noPassword } = props;
  expect(validate('json', body({ ...noPassword, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----' })).map((i) => i.errorCode)).toEqual(['ATS-REQ-085']);
  expect(validate('json', body(props))).toEqual([]);
});
