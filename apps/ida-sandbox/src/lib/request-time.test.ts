import { checkTimeWindow, parseIdaTime } from './request-time.js';

describe('parseIdaTime', () => {
  it('reads Z and offsets with exactly 3 fraction digits', () => {
    expect(parseIdaTime('2025-01-31T10:20:30.123Z')).toBe(Date.UTC(2025, 0, 31, 10, 20, 30, 123));
    expect(parseIdaTime('2025-01-31T15:50:30.123+05:30')).toBe(Date.UTC(2025, 0, 31, 10, 20, 30, 123));
    expect(parseIdaTime('2025-01-31T08:20:30.123-02:00')).toBe(Date.UTC(2025, 0, 31, 10, 20, 30, 123));
  });

  it.each(['2025-01-31T10:20:30Z', '2025-01-31T10:20:30.1234Z', '2025-02-30T10:20:30.123Z', '2025-01-31T24:00:00.000Z', '2025-01-31 10:20:30.123Z', 20250131])(
    'rejects %p',
    (value) => expect(parseIdaTime(value)).toBeNull(),
  );
});

describe('checkTimeWindow', () => {
  const now = Date.UTC(2025, 0, 1);
  it('accepts now−60 s..now+30 s', () => {
    expect(checkTimeWindow(now - 60_000, now)).toBe('ok');
    expect(checkTimeWindow(now + 30_000, now)).toBe('ok');
    expect(checkTimeWindow(now - 60_001, now)).toBe('past');
    expect(checkTimeWindow(now + 30_001, now)).toBe('future');
  });
});
