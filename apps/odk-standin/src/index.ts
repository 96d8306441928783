// Public API of @mts/odk-standin: every export is named here.
export { startOdkStandin } from './lib/server.js';
export { sanitizeName } from './lib/rows.js';
export { demoOdkData } from './lib/demo.js';
export type { DemoOdkData } from './lib/demo.js';
export type {
  OdkStandinOptions,
  RunningOdkStandin,
  RecordedRequest,
  StandinFault,
  StandinForm,
  StandinSubmission,
  StandinUser,
} from './lib/types.js';
