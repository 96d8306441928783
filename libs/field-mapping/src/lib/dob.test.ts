import { normaliseDob } from './dob.js';

describe('normaliseDob', () => {
  it.each([
    ['1990/04/07', '1990/04/07'],
    ['1990-04-07', '1990/04/07'],
    ['1990-4-7', '1990/04/07'],
    ['2000/02/29', '2000/02/29'],
  ])('normalises %s', (input, expected) => {
    expect(normaliseDob(input)).toBe(expected);
  });

  it.each(['07/04/1990', '1990.04.07', '1990/04-07', '1990-13-01', '1990-00-10', '1900-02-29', '1990-04-31', '0000-01-01', '90-04-07', '1990-04-07T00:00', ''])(
    'leaves %j unchanged',
    (input) => {
      expect(normaliseDob(input)).toBe(input);
    },
  );
});
