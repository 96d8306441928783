// The wake-ups between supervised processes: the router picks the least-loaded child (ties in turn, its own guesses
// corrected by the next report), and the child's channel turns Agenda's notifications into IPC messages and back.
import { EventEmitter } from 'node:events';
import type { JobNotification } from 'agenda';
import { SupervisorWakeChannel, WAKE_MESSAGE, WakeRouter, type IpcPort } from './job-wake.js';

describe('WakeRouter', () => {
  test('wakes the child running the fewest jobs, and counts the wake-up against it until it reports', () => {
    const r = new WakeRouter();
    r.setLoad(1, 3);
    r.setLoad(2, 1);
    expect(r.pick(1)).toBe(2); // 3 against 1
    expect(r.loads().get(2)).toBe(2); // its guessed load
    expect(r.pick(1)).toBe(2); // 3 against 2
    expect(r.pick(2)).toBe(1); // 3 against 3: a tie (see below)
    r.setLoad(1, 0); // the child's report replaces the guess
    expect(r.pick(2)).toBe(1);
  });

  test('a finished chunk stays with its process while the other is not less loaded, so K chunks split evenly', () => {
    // Two processes, four chunks of one request in flight. The process that finished one saves the next; the router
    // gives it to whichever now runs fewer. Start from the worst split the poll timers gave (4 : 0).
    const r = new WakeRouter();
    const running = new Map([
      [1, 4],
      [2, 0],
    ]);
    for (const [i, n] of running) r.setLoad(i, n);
    for (let step = 0; step < 12; step++) {
      const from = (running.get(1) as number) >= (running.get(2) as number) ? 1 : 2; // the busier one finishes first
      running.set(from, (running.get(from) as number) - 1);
      r.setLoad(from, running.get(from) as number);
      const to = r.pick(from);
      running.set(to, (running.get(to) as number) + 1);
      r.setLoad(to, running.get(to) as number);
    }
    expect([...running.values()]).toEqual([2, 2]);
  });

  test('ties go round, so equal children take turns', () => {
    const r = new WakeRouter();
    for (const i of [1, 2, 3]) r.setLoad(i, 0);
    const picked: number[] = [];
    for (let k = 0; k < 6; k++) {
      const to = r.pick(1);
      picked.push(to);
      r.setLoad(to, 0); // each finishes at once
    }
    expect(new Set(picked.slice(0, 3))).toEqual(new Set([1, 2, 3]));
    expect(new Set(picked.slice(3))).toEqual(new Set([1, 2, 3]));
  });

  test('a child that never reported, or exited, is never woken; with nobody known the sender wakes itself', () => {
    const r = new WakeRouter();
    expect(r.pick(2)).toBe(2);
    r.setLoad(1, 5);
    expect(r.pick(2)).toBe(1); // 2 has not reported (its channel is not connected)
    r.setLoad(2, 9);
    r.remove(1);
    expect(r.pick(2)).toBe(2);
    r.setLoad(3, -1); // nonsense is ignored
    r.setLoad(3, Number.NaN);
    expect([...r.loads().keys()]).toEqual([2]);
  });
});

/** A fake IPC link: what the channel sends, and a way to deliver the supervisor's messages. */
function fakePort(connected = true) {
  const events = new EventEmitter();
  const sent: { type: string; running?: number; notification?: Record<string, unknown> }[] = [];
  const port: IpcPort & { connected: boolean } = {
    connected,
    send: (message) => (sent.push(message as (typeof sent)[number]), true),
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
  };
  return { port, sent, deliver: (message: unknown) => events.emit('message', message), listeners: () => events.listenerCount('message') };
}

const notification = (over: Partial<JobNotification> = {}): JobNotification => ({
  jobId: 'job-1' as JobNotification['jobId'],
  jobName: 'process-chunk',
  nextRunAt: new Date('2026-12-07T10:00:00.000Z'),
  priority: 0,
  timestamp: new Date('2026-12-07T10:00:00.500Z'),
  ...over,
});

describe('SupervisorWakeChannel', () => {
  test('reports its load on connect and on each job start and end; announces saved jobs', async () => {
    const { port, sent } = fakePort();
    const ch = new SupervisorWakeChannel(port);
    await ch.connect();
    expect(ch.state).toBe('connected');
    ch.jobStarted();
    ch.jobStarted();
    ch.jobEnded();
    await ch.publish(notification());
    expect(sent).toEqual([
      { type: WAKE_MESSAGE.load, running: 0 },
      { type: WAKE_MESSAGE.load, running: 1 },
      { type: WAKE_MESSAGE.load, running: 2 },
      { type: WAKE_MESSAGE.load, running: 1 },
      {
        type: WAKE_MESSAGE.saved,
        notification: { jobId: 'job-1', jobName: 'process-chunk', nextRunAt: '2026-12-07T10:00:00.000Z', priority: 0, timestamp: '2026-12-07T10:00:00.500Z' },
      },
    ]);
  });

  test("a wake-up reaches Agenda's handler with its dates restored, and sends nothing back (the job's start reports)", async () => {
    const { port, sent, deliver } = fakePort();
    const ch = new SupervisorWakeChannel(port);
    const seen: JobNotification[] = [];
    ch.subscribe((n) => {
      seen.push(n);
    });
    await ch.connect();
    sent.length = 0;
    deliver({ type: WAKE_MESSAGE.wake, notification: { jobId: 'j', jobName: 'deliver', nextRunAt: null, priority: 0, timestamp: '2026-12-07T10:00:00.000Z' } });
    deliver({ type: WAKE_MESSAGE.wake, notification: { jobId: 'k', jobName: 'ingest', nextRunAt: '2026-12-07T10:00:01.000Z', priority: 0, timestamp: '2026-12-07T10:00:00.000Z' } });
    // Not wake-ups, or malformed: ignored.
    deliver({ type: 'ready' });
    deliver({ type: WAKE_MESSAGE.wake, notification: { jobName: 'x' } });
    deliver(null);
    await new Promise((r) => setImmediate(r));
    expect(seen.map((n) => [n.jobId, n.jobName])).toEqual([
      ['j', 'deliver'],
      ['k', 'ingest'],
    ]);
    expect(seen[0]!.nextRunAt).toBeNull();
    expect(seen[1]!.nextRunAt).toEqual(new Date('2026-12-07T10:00:01.000Z'));
    expect(seen[1]!.timestamp).toBeInstanceOf(Date);
    // A count sent now, before the job it woke for has started, would wipe the supervisor's guess for this child.
    expect(sent).toEqual([]);
  });

  test('the load is also reported on a timer, which corrects a guess left by a wake-up that found nothing; leave stops it', async () => {
    jest.useFakeTimers();
    try {
      const { port, sent } = fakePort();
      const ch = new SupervisorWakeChannel(port, { reportEveryMs: 500 });
      await ch.connect();
      ch.jobStarted();
      sent.length = 0;
      jest.advanceTimersByTime(1_100);
      expect(sent).toEqual([
        { type: WAKE_MESSAGE.load, running: 1 },
        { type: WAKE_MESSAGE.load, running: 1 },
      ]);
      ch.leave();
      sent.length = 0;
      jest.advanceTimersByTime(2_000);
      expect(sent).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('leave: the supervisor is told once, and nothing is announced or handled after it', async () => {
    const { port, sent, deliver } = fakePort();
    const ch = new SupervisorWakeChannel(port);
    const seen: unknown[] = [];
    ch.subscribe((n) => void seen.push(n));
    await ch.connect();
    ch.jobStarted();
    ch.leave();
    ch.leave();
    expect(ch.state).toBe('disconnected');
    ch.jobEnded(); // a job that finishes while the process drains
    await ch.publish(notification()); // a successor it saves meanwhile: left to the other children's polls
    deliver({ type: WAKE_MESSAGE.wake, notification: { jobId: 'j', jobName: 'deliver', nextRunAt: null, priority: 0, timestamp: '2026-12-07T10:00:00.000Z' } });
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([
      { type: WAKE_MESSAGE.load, running: 0 },
      { type: WAKE_MESSAGE.load, running: 1 },
      { type: WAKE_MESSAGE.leave },
    ]);
    expect(seen).toEqual([]);
    expect(ch.running).toBe(0);
  });

  test('disconnected, or without a supervisor, it sends nothing and throws nothing', async () => {
    const { port, sent, deliver, listeners } = fakePort();
    const ch = new SupervisorWakeChannel(port);
    const seen: unknown[] = [];
    ch.subscribe((n) => void seen.push(n));
    await ch.publish(notification()); // not connected yet
    await ch.connect();
    await ch.disconnect();
    expect(listeners()).toBe(0);
    deliver({ type: WAKE_MESSAGE.wake, notification: { jobId: 'j', jobName: 'deliver', nextRunAt: null, priority: 0, timestamp: '2026-12-07T10:00:00.000Z' } });
    await ch.publish(notification());
    expect(sent).toEqual([{ type: WAKE_MESSAGE.load, running: 0 }]);
    expect(seen).toEqual([]);

    const gone = fakePort(false);
    const orphan = new SupervisorWakeChannel(gone.port);
    await orphan.connect();
    orphan.jobStarted();
    await orphan.publish(notification());
    expect(gone.sent).toEqual([]);

    const throwing = new SupervisorWakeChannel({
      connected: true,
      send: () => {
        throw new Error('channel closed');
      },
      on: () => undefined,
      off: () => undefined,
    });
    await throwing.connect();
    expect(() => throwing.jobStarted()).not.toThrow();
    await expect(throwing.publish(notification())).resolves.toBeUndefined();
  });
});
