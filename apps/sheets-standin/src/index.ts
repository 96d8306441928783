// Public API of @mts/sheets-standin: every export is named here.
export { startSheetsStandin } from './lib/server.js';
export { demoSheetsData, peopleFromIdentities, syntheticPeople } from './lib/demo.js';
export type { DemoPerson, DemoSheetsData } from './lib/demo.js';
export { JWT_BEARER } from './lib/tokens.js';
export type {
  RunningSheetsStandin,
  SheetsFault,
  SheetsRecordedRequest,
  SheetsStandinOptions,
  StandinCell,
  StandinServiceAccount,
  StandinSheet,
  StandinSpreadsheet,
} from './lib/types.js';
