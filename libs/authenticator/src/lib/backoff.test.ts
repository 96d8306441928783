import { backoffDelay, retryAfterMs } from './backoff.js';

describe('backoffDelay', () => {
  const opts = { baseMs: 100, maxMs: 1000 };

  it('doubles per attempt between half and all of the window', () => {
    expect(backoffDelay(0, { ...opts, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...opts, random: () => 1 })).toBe(100);
    expect(backoffDelay(2, { ...opts, random: () => 0 })).toBe(200);
    expect(backoffDelay(2, { ...opts, random: () => 1 })).toBe(400);
  });

  it('is capped, Retry-After included', () => {
    expect(backoffDelay(10, { ...opts, random: () => 1 })).toBe(1000);
    expect(backoffDelay(0, { ...opts, random: () => 0, retryAfterMs: 700 })).toBe(700);
    expect(backoffDelay(0, { ...opts, random: () => 0, retryAfterMs: 60_000 })).toBe(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds only', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(['2'])).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
