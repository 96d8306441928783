// Hostile and careless callers against the real API (store, envelope checks): each case was a 5xx, a hang or a
// wrong answer before its fix (issue 11). The answer must be a 4xx with a stable code, and the service stays up.
import { createTempDir, type TempDir } from '@mts/testing';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');

describe('hostile callers', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-hostile-');
    const config = loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1' });
    api = await startApi(config, { logger: createLogger({ silent: true }) });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });

  const errorsOf = async (res: Response) => ((await res.json()) as { errors: { errorCode: string }[] }).errors.map((e) => e.errorCode);

  it.each(['authtoken/status/%E0%A4%A', 'authtoken/file/%zz', 'authtoken/status/%', 'authtoken/file/%'])(
    'answers GET %s (a broken percent-escape) with 404 ATS-REQ-016, as MTS',
    async (path) => {
      const res = await http(`${api.url}/${path}`);
      expect(res.status).toBe(404);
      expect(await errorsOf(res)).toEqual(['ATS-REQ-016']);
    },
  );
});
