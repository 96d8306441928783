// Public API of @mts/formio-standin: every export is named here.
export { startFormioStandin, objectId } from './lib/server.js';
export { demoFormioData, peopleFromIdentities, DEMO_API_KEY, DEMO_FORM_ID, DEMO_MAPPING, DEMO_USER } from './lib/demo.js';
export type { DemoFormioData, DemoPerson } from './lib/demo.js';
export { listSubmissions, parseQueryDate } from './lib/listing.js';
export type { ListingPage, StoredSubmission } from './lib/listing.js';
export type {
  FormioRecordedRequest,
  FormioStandinFault,
  FormioStandinForm,
  FormioStandinOptions,
  FormioStandinSubmission,
  FormioStandinUser,
  RunningFormioStandin,
} from './lib/types.js';
