import { CSV_ROWS_PER_PIECE, duplicatesCsv } from './query-routes.js';

async function* groupsOf(...sizes: number[]) {
  let line = 1;
  for (const [i, size] of sizes.entries()) yield { group: i + 1, lineNos: Array.from({ length: size }, () => line++) };
}

test('a large group comes out row by row in bounded pieces, every line once and in order', async () => {
  const big = 2 * CSV_ROWS_PER_PIECE + 5;
  const pieces: string[] = [];
  for await (const piece of duplicatesCsv(groupsOf(2, big, 3))) pieces.push(piece);
  const rows = pieces.join('').trimEnd().split('\n');
  expect(rows[0]).toBe('group,groupSize,lineNumber');
  expect(rows.slice(1, 4)).toEqual(['1,2,1', '1,2,2', `2,${big},3`]);
  expect(rows).toHaveLength(1 + 2 + big + 3);
  expect(rows.slice(1).map((r) => Number(r.split(',')[2]))).toEqual(Array.from({ length: 2 + big + 3 }, (_, i) => i + 1));
  expect(rows.at(-1)).toBe(`3,3,${2 + big + 3}`);
  // The big group took three pieces, none longer than CSV_ROWS_PER_PIECE rows.
  expect(Math.max(...pieces.map((p) => p.split('\n').length - 1))).toBe(CSV_ROWS_PER_PIECE);
  expect(pieces.filter((p) => p.startsWith('2,'))).toHaveLength(3);
});
