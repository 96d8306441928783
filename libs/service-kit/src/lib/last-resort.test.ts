import { EventEmitter } from 'node:events';
import { describeFailure, installLastResortHandlers } from './last-resort.js';

function setup(shutdown: () => Promise<unknown> | unknown, timeoutMs = 50) {
  const target = new EventEmitter();
  const lines: { message: string; meta: Record<string, unknown> }[] = [];
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const exits: number[] = [];
  const uninstall = installLastResortHandlers({
    log: { error: (message, meta) => lines.push({ message, meta }) },
    shutdown,
    timeoutMs,
    exit: (code) => {
      exits.push(code);
      resolveExit(code);
    },
    target,
  });
  return { target, lines, exited, exits, uninstall };
}

const secretError = () => Object.assign(new Error('vid 4000000001 for Zorbelina Quux failed'), { code: 'STORE_BUSY' });

test('an unhandled rejection is logged without its message, shuts down cleanly, then exits 1', async () => {
  const order: string[] = [];
  const s = setup(async () => void order.push('shutdown'));
  s.target.emit('unhandledRejection', secretError());
  expect(await s.exited).toBe(1);
  order.push('exit');
  expect(order).toEqual(['shutdown', 'exit']);
  expect(s.lines[0]).toMatchObject({ meta: { event: 'unhandledRejection', name: 'Error', code: 'STORE_BUSY' } });
  expect(JSON.stringify(s.lines)).not.toMatch(/4000000001|Zorbelina/);
  expect((s.lines[0]!.meta.frames as string[])[0]).toMatch(/^at /);
});

test('a shutdown that hangs is cut at the timeout; a second failure does not exit twice', async () => {
  const s = setup(() => new Promise(() => undefined), 30);
  s.target.emit('uncaughtException', new TypeError('x'));
  s.target.emit('unhandledRejection', 'a string');
  expect(await s.exited).toBe(1);
  await new Promise((r) => setTimeout(r, 40));
  expect(s.exits).toEqual([1]);
  expect(s.lines.map((l) => l.meta.event)).toEqual(['uncaughtException', 'unhandledRejection']);
  expect(s.lines[1]!.meta).toEqual({ event: 'unhandledRejection', name: 'string' });
});

test('a failing shutdown is logged and still exits 1; uninstall removes the listeners', async () => {
  const s = setup(() => {
    throw secretError();
  });
  s.target.emit('uncaughtException', new Error('boom'));
  expect(await s.exited).toBe(1);
  expect(s.lines[1]).toMatchObject({ message: 'shutdown after an unhandled failure failed', meta: { code: 'STORE_BUSY' } });
  s.uninstall();
  expect(s.target.listenerCount('unhandledRejection') + s.target.listenerCount('uncaughtException')).toBe(0);
});

test('describeFailure keeps name, code and frames only', () => {
  const d = describeFailure(secretError());
  expect(Object.keys(d).sort()).toEqual(['code', 'frames', 'name']);
});
