import { MIGRATIONS, SQLITE_MIGRATIONS } from './migrate.js';

test('SQLite runs every migration in a transaction; PostgreSQL runs the online index builds (0006, 0007) outside one', () => {
  expect(SQLITE_MIGRATIONS.map((m) => new m().name)).toEqual(MIGRATIONS.map((m) => new m().name));
  expect(SQLITE_MIGRATIONS.filter((m) => (new m() as { transaction?: boolean }).transaction === false)).toEqual([]);
  expect(MIGRATIONS.filter((m) => (new m() as { transaction?: boolean }).transaction === false).map((m) => new m().name)).toEqual([
    'PendingIndex1764900000000',
    'TokenBuckets1765000000000',
  ]);
});
