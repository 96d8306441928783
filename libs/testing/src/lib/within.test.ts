import { within } from './within.js';

test('passes on what the promise settles with, in time', async () => {
  await expect(within(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
  await expect(within(Promise.reject(new Error('own')), 1000, 'x')).rejects.toThrow('own');
});

test('rejects, naming what, when the promise is still pending at the deadline', async () => {
  await expect(within(new Promise(() => undefined), 20, 'the open')).rejects.toThrow('the open: still pending after 20 ms');
});
