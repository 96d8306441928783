// Runs Agenda's own shared backend suite (vitest-style, from a checkout of github.com/agenda/agenda; it is not in
// the npm package) against this backend, under Jest. Manual, not part of `npm test` (the root config only picks up
// libs/*/jest.config.cjs). The suite's own Agendas keep 10-minute lock-check timers, hence --forceExit here only:
//   AGENDA_REPO=/path/to/agenda npx jest -c libs/agenda-sqlite/conformance/jest.config.cjs --forceExit
// Result with the agenda repo at f9437cc (suite of 6.2.2) and Agenda 6.2.6 installed: 189 of 190 pass. The one
// failure, 'should clear locks on stop', fails on @agendajs/postgres-backend too: since 6.2.x, stop() keeps the
// locks of jobs still running (JobProcessor.stop), which that older test does not expect.
const { join } = require('node:path');

const repo = process.env.AGENDA_REPO;
if (!repo) throw new Error('set AGENDA_REPO to a checkout of github.com/agenda/agenda');
const suite = join(repo, 'packages', 'agenda', 'test', 'shared');

module.exports = {
  displayName: 'agenda-sqlite-conformance',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  globals: { AGENDA_SUITE: suite },
  // The suite imports Agenda's sources by relative path: point those at the installed package instead.
  moduleNameMapper: {
    '^vitest$': '<rootDir>/vitest-shim.cjs',
    '^\\.\\./\\.\\./src/index(\\.js)?$': require.resolve('agenda'),
    '^\\.\\./\\.\\./src/Job(\\.js)?$': '<rootDir>/job-shim.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFilesAfterEnv: ['<rootDir>/setup.cjs'],
  testMatch: ['<rootDir>/*.test.ts'],
};
