/** One entry of IDA's `errors` array, in IDA's key order. */
export interface IdaErrorItem {
  errorCode: string;
  errorMessage: string;
  actionMessage?: string;
}

/** Where IDA raised the error: F = servlet filter (wrapped with MLC-007), C = controller validation, B = service. */
export type IdaStage = 'F' | 'C' | 'B';

/**
 * An IDA rejection. It carries the items of IDA's `errors` array, not a stack-trace message, and never PII.
 * Thrown inside the pipeline and turned into an envelope by the server.
 */
export class IdaRejection extends Error {
  readonly stage: IdaStage;
  readonly items: IdaErrorItem[];
  constructor(stage: IdaStage, items: IdaErrorItem[]) {
    super(items.map((i) => i.errorCode).join(','));
    this.name = 'IdaRejection';
    this.stage = stage;
    this.items = items;
  }
}

const item = (errorCode: string, errorMessage: string, actionMessage?: string): IdaErrorItem =>
  actionMessage === undefined ? { errorCode, errorMessage } : { errorCode, errorMessage, actionMessage };

/** IDA's error catalogue for demographic auth (IdAuthenticationErrorConstants), as builders. */
export const idaErrors = {
  unableToProcess: () => item('IDA-MLC-007', 'Request could not be processed. Please try again'),
  missingInput: (name: string) => item('IDA-MLC-006', `Missing Input Parameter - ${name}`),
  invalidInput: (name: string) => item('IDA-MLC-009', `Invalid Input Parameter - ${name}`),
  signatureFailed: () => item('IDA-MPA-001', 'Digital signature verification failed for signature header'),
  unableToDecrypt: () => item('IDA-MPA-003', 'Unable to decrypt Request'),
  publicKeyExpired: () => item('IDA-MPA-004', 'MOSIP Public key expired'),
  hmacFailed: () => item('IDA-MPA-016', 'HMAC Validation failed'),
  certNotInHeader: () => item('IDA-MPA-022', 'Partner (Auth) Certificate not found in Request signature header.'),
  partnerNotRegistered: () => item('IDA-MPA-009', 'Partner is not registered'),
  partnerDeactivated: () => item('IDA-MPA-012', 'Partner is deactivated'),
  policyNotRegistered: () => item('IDA-MPA-018', 'Policy ID does not belong to a registered Partner'),
  policyInactive: () => item('IDA-MPA-019', 'Partner policy is not active'),
  partnerApiExpired: () => item('IDA-MPA-039', 'Partner API is expired or using before Commence Start Date.'),
  certNotMatching: () =>
    item('IDA-MPA-021', 'Partner (Auth) Certificate not matching with signature header certificate.'),
  licenseNotRegistered: () => item('IDA-MPA-007', 'License key does not belong to a registered MISP'),
  licenseBlocked: () => item('IDA-MPA-017', 'License key of MISP is blocked'),
  licenseExpired: () => item('IDA-MPA-008', 'License key of MISP has expired'),
  demoNotAllowed: () =>
    item(
      'IDA-MPA-006',
      'DEMO Authentication usage not allowed as per policy',
      'Please use other Authentication Types in the request',
    ),
  authPartFewSegments: () => item('IDA-MPA-038', 'Required Number of Path parameters are missing in URI'),
  consentMissing: () => item('IDA-MLC-012', "Individual's Consent is not available"),
  timeWindow: (futureAttribute?: string) =>
    item(
      'IDA-MLC-001',
      futureAttribute === undefined
        ? 'Request to be received at MOSIP within 30 seconds'
        : `Request to be received at MOSIP within 30 seconds. Attribute: ${futureAttribute}`,
      'Please send the request within 30 seconds',
    ),
  unsupportedAuthType: () => item('IDA-MLC-011', 'Unsupported Authentication Type - demo'),
  missingDemoAttribute: () => item('IDA-MLC-013', 'Missing demo auth attribute'),
  noAuthTypeSelected: () => item('IDA-MLC-008', 'No authentication type selected'),
  unsupportedLanguage: (lang: string) =>
    item('IDA-DEA-002', `Unsupported Language Code - request : ${lang}`, 'Please provide valid Language'),
  idTypeNotConfigured: (type: string) => item('IDA-MLC-015', `Identity Type - ${type} not configured for the country`),
  invalidUin: () => item('IDA-MLC-002', 'Invalid UIN', 'Please retry with the correct UIN'),
  invalidVid: () => item('IDA-MLC-004', 'Invalid VID', 'Please retry with correct VID'),
  idNotFound: (type: 'UIN' | 'VID') => item('IDA-MLC-018', `${type} not available in database`),
  uinDeactivated: () => item('IDA-MLC-022', 'UIN is deactivated/blocked'),
  vidExpired: () => item('IDA-MLC-023', 'VID is expired/deactivated'),
  demoLocked: () => item('IDA-MLC-019', 'demo Auth Type is Locked for the UIN'),
  demoNotAvailable: (idName: string, lang?: string) =>
    item('IDA-DEA-003', `Demographic data ${idName}${lang ? ` in ${lang}` : ''} not available in database`),
  demoMismatch: (idName: string, lang?: string) =>
    lang
      ? item('IDA-DEA-001', `Demographic data ${idName} in ${lang} did not match`, `Please re-enter your ${idName} in ${lang}`)
      : item('IDA-DEA-001', `Demographic data ${idName} did not match`, `Please re-enter your ${idName}`),
} as const;

/** Throws a filter-stage rejection; the envelope wraps it as [IDA-MLC-007, item]. */
export function rejectF(i: IdaErrorItem): never {
  throw new IdaRejection('F', [i]);
}

/** Throws a controller/service-stage rejection with the given items. */
export function reject(stage: 'C' | 'B', ...items: IdaErrorItem[]): never {
  throw new IdaRejection(stage, items);
}
