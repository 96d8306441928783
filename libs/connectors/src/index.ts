// Public API of @mts/connectors: every export is named here.

// the plug-in contracts
export type { InputSource, Intake, IntakeProblem, SourceContext, UploadFacts } from './lib/source.js';
export type { Delivery, DeliveryContext, DeliveryOutcome, OutputRow, RecordMark } from './lib/delivery.js';

// the registry: the one list of sources and deliveries
export { SOURCES, DELIVERIES, sourceForStoredKind, deliveryFor, createSeedValidator } from './lib/registry.js';

// the modules
export { csvSource } from './lib/sources/csv.js';
export { jsonSource } from './lib/sources/json.js';
export { odkSource } from './lib/sources/odk.js';
export { sheetsSource } from './lib/sources/sheets.js';
export { formioSource } from './lib/sources/formio.js';
export { vcSource } from './lib/sources/vc.js';
export { downloadDelivery } from './lib/deliveries/download.js';
export { callbackDelivery, createCallbackDelivery } from './lib/deliveries/callback.js';
export { websubDelivery, createWebsubDelivery } from './lib/deliveries/websub.js';
export { sftpDelivery, createSftpDelivery, sftpEnvelope } from './lib/deliveries/sftp.js';
export type { SftpDeliveryOptions } from './lib/deliveries/sftp.js';

// the outbound policy for caller-supplied addresses (callbacks, pulled sources)
export { createGuardedFetch, createOutboundCheck, OutboundDeniedError } from './lib/outbound.js';
export type { OutboundPolicy } from './lib/outbound.js';
