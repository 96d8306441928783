// A hub call's timeout fires even after garbage collections while the hub does not answer.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deliverWebsub } from './deliver.js';

// A gc() without starting Node with --expose-gc: the flag applies to contexts made after it is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a publish to a hub that does not answer times out, with garbage collections going on', async () => {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => void held.push(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const collector = setInterval(gc, 20);
  // Had the timeout been collected, the hub accepts after 5 s instead: the test ends with the wrong outcome, not a hang.
  const rescue = setTimeout(() => held.splice(0).forEach((res) => res.writeHead(202).end('hub.mode=accepted')), 5000);
  try {
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
    const result = await deliverWebsub({ hubUrl, topic: 'tokens', register: false, timeoutSeconds: 0.3 }, { kind: 'records', records: [{ key: 1, body: { vid: 'v1' } }] }, { attempts: 1 });
    expect(result.results[0]).toMatchObject({ ok: false, attempts: 1, errorCode: 'WEBSUB_TIMEOUT', retryable: true });
  } finally {
    clearInterval(collector);
    clearTimeout(rescue);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
