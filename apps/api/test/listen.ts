import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';

/** Serves an app on 127.0.0.1:0; close() also drops keep-alive sockets so Jest exits cleanly. */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** fetch whose `json()` is `any`, so tests can read envelopes without casts at every step. */
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
export const http = (...args: Parameters<typeof fetch>): Promise<JsonResponse> => fetch(...args);

/**
 * `read()`'s value once it equals `expected`, or its last value after `tries` reads 20 ms apart: for clean-up that
 * follows an answer (the test then asserts on the value, never on the time taken).
 */
export async function settledTo<T>(read: () => Promise<T>, expected: T, tries = 100): Promise<T> {
  let value = await read();
  for (let i = 1; i < tries && JSON.stringify(value) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
