// Runs the WebSub hub stand-in: node apps/websub-hub/dist/main.js [--port 9191] [--host 127.0.0.1]
//   [--topic tokens]... [--accept-token TOKEN]... [--retry-delay-ms 3000] [--attempts 3] [--publish-status 200|202]
//   [--demo-subscriber]
// Without --accept-token every caller is allowed (MOSIP's SECURITY_ON=false). --demo-subscriber also starts a
// subscriber (with a random secret) to every --topic and prints one line per message it receives: its size and
// whether its X-Hub-Signature verified, never its content.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startWebsubHub } from './lib/hub.js';
import { startTestSubscriber } from './lib/subscriber.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.WEBSUB_HUB_PORT ?? '9191' },
    host: { type: 'string', default: '127.0.0.1' },
    topic: { type: 'string', multiple: true, default: [] },
    'accept-token': { type: 'string', multiple: true },
    'retry-delay-ms': { type: 'string', default: '3000' },
    attempts: { type: 'string', default: '3' },
    'publish-status': { type: 'string', default: '200' },
    'demo-subscriber': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const retryDelayMs = Number(values['retry-delay-ms']);
const attempts = Number(values.attempts);
const publishStatus = Number(values['publish-status']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(retryDelayMs) || retryDelayMs < 0 || !Number.isInteger(attempts) || attempts < 1 || (publishStatus !== 200 && publishStatus !== 202)) {
  console.error('websub-hub: --port 0..65535, --retry-delay-ms ≥ 0, --attempts ≥ 1, --publish-status 200 or 202');
  process.exit(2);
}
const hub = await startWebsubHub({
  port,
  host: values.host,
  topics: values.topic,
  ...(values['accept-token'] ? { acceptTokens: values['accept-token'] } : {}),
  retryDelayMs,
  deliveryAttempts: attempts,
  publishStatus,
});
// The tokens are secrets: only their count is printed.
console.log(JSON.stringify({ msg: 'websub-hub listening', url: hub.url, topics: hub.topics(), authTokens: values['accept-token']?.length ?? 0 }));

let closeSubscriber = async () => {};
if (values['demo-subscriber']) {
  const subscriber = await startTestSubscriber({
    secret: randomBytes(24).toString('hex'),
    onReceived: (r) => console.log(JSON.stringify({ msg: 'subscriber received', contentType: r.contentType, bytes: Buffer.byteLength(r.body), signatureValid: r.signatureValid })),
  });
  for (const topic of values.topic) await subscriber.subscribe(hub.url, topic, values['accept-token'] ? { authToken: values['accept-token'][0] } : {});
  console.log(JSON.stringify({ msg: 'demo subscriber subscribed', callback: subscriber.url, topics: values.topic }));
  closeSubscriber = () => subscriber.close();
}

const stop = () => void closeSubscriber().then(() => hub.close()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
