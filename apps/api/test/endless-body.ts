import { connect } from 'node:net';

/** What {@link sendUntilRefused} saw: the bytes of body it got to send, and the server's reply. */
export interface SendResult {
  sent: number;
  reply: string;
}

/**
 * Sends a chunked POST whose body is `first`, then `chunk` over and over up to `cap` bytes, waiting on the socket's
 * backpressure, and stops when the server closes the connection. `sent < cap` means the server closed it before the
 * whole body was sent; otherwise the body is ended and the first reply read.
 */
export async function sendUntilRefused(port: number, head: string, first: string, chunk: string, cap: number): Promise<SendResult> {
  const socket = connect(port, '127.0.0.1');
  let reply = '';
  let closed = false;
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('close', () => (closed = true));
  socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server has closed: expected
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const frame = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
  socket.write(`${head}Transfer-Encoding: chunked\r\n\r\n${frame(first)}`);
  let sent = 0;
  while (!closed && sent < cap) {
    const flowing = socket.write(frame(chunk));
    sent += Buffer.byteLength(chunk);
    if (!flowing) await new Promise<void>((resolve) => (socket.once('drain', () => resolve()), gone.then(resolve)));
  }
  if (!closed) {
    socket.write('0\r\n\r\n');
    await Promise.race([gone, new Promise<void>((resolve) => socket.once('data', () => setImmediate(resolve)))]);
    socket.destroy();
  }
  await gone;
  return { sent, reply };
}
