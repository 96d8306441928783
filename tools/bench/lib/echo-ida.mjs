// An IDA stand-in that does no crypto, for measuring the service's own scaling (bench:seed --ida echo): every POST is
// answered authStatus true with a token derived from the request's individualId (the outer request carries it in
// clear), unsigned. The service must then run without a response certificate, so it skips the response check (about
// 0.02 ms of RSA per record) and cannot tell a real IDA's answer from this one: a measuring tool only.
//
//   startEchoIda({ latencyMs }) → { url, statsUrl, pid, close() }   (a child process, so its CPU is its own)
//   createEchoServer({ latencyMs }) → an http.Server to listen on in a process of one's own
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** Starts the stand-in in a child process; resolves once it listens. */
export async function startEchoIda({ latencyMs = 0 } = {}) {
  const child = fork(SELF, ['--echo-ida-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ECHO_IDA_LATENCY_MS: String(latencyMs) } });
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`echo IDA exited (${code ?? signal}) before it listened`)));
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url: ready.url,
    statsUrl: ready.statsUrl,
    pid: child.pid,
    close: () => new Promise((resolve) => (gone() ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}

/** 36 decimal digits from the SHA-256 of the id: one token per person, as IDA's partner token is. */
function tokenFor(individualId) {
  return BigInt(`0x${createHash('sha256').update(String(individualId)).digest('hex')}`).toString(10).slice(0, 36);
}

/**
 * The stand-in's HTTP server (not listening yet): every request but `GET /sandbox/stats` is answered as an auth
 * request, after `latencyMs`. bench:auth --server echo serves it in its own child; startEchoIda in this file's.
 */
export function createEchoServer({ latencyMs = 0 } = {}) {
  let requests = 0;
  return createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === 'GET' && req.url === '/sandbox/stats') return void res.end(JSON.stringify({ requests }));
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests++;
      let outer = {};
      try {
        outer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // answered below without a token
      }
      const ok = typeof outer.individualId === 'string';
      const body = JSON.stringify({
        transactionID: outer.transactionID ?? null, version: '1.0', id: 'mosip.identity.auth',
        errors: ok ? null : [{ errorCode: 'IDA-MLC-007', errorMessage: 'Request could not be processed. Please try again' }],
        responseTime: new Date().toISOString(), response: { authStatus: ok, authToken: ok ? tokenFor(outer.individualId) : null },
      });
      const answer = () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
}

function serve() {
  const server = createEchoServer({ latencyMs: Number(process.env.ECHO_IDA_LATENCY_MS ?? 0) });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    process.send({ url: `http://127.0.0.1:${port}/idauthentication/v1/auth`, statsUrl: `http://127.0.0.1:${port}/sandbox/stats` });
  });
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  // The bench is gone (killed): go too, rather than serve on as an orphan.
  process.on('disconnect', stop);
}

if (process.argv.includes('--echo-ida-child')) serve();
