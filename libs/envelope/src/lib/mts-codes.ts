/** MTS's record-validation codes and their messages, verbatim from MTS 1.1.0's mapping service. */
export const RECORD_ERRORS = {
  vidAbsent: { code: 'ATS-REQ-009', message: 'vid or its mapping not present' },
  nameAbsent: { code: 'ATS-REQ-010', message: 'name or its mapping not present' },
  nameEmpty: { code: 'ATS-REQ-003', message: 'name is not provided' },
  genderAbsent: { code: 'ATS-REQ-011', message: 'gender or its mapping not present' },
  genderEmpty: { code: 'ATS-REQ-004', message: 'gender is empty' },
  dobAbsent: { code: 'ATS-REQ-012', message: 'dateOfBirth or its mapping not present' },
  dobEmpty: { code: 'ATS-REQ-006', message: 'date of birth is empty' },
  phoneAbsent: { code: 'ATS-REQ-013', message: 'phoneNumber or its mapping not present' },
  emailAbsent: { code: 'ATS-REQ-014', message: 'emailId or its mapping not present' },
  addressAbsent: { code: 'ATS-REQ-015', message: 'fullAddress or its mapping not present' },
  addressEmpty: { code: 'ATS-REQ-008', message: 'address is empty' },
} as const;

/**
 * The one code → HTTP status table: MTS 1.1.0's statuses, plus our own ATS-REQ-105 (body too large),
 * ATS-REQ-106 (sync mode not configured), ATS-REQ-107 (a known path with another method) and the caller-authentication codes ATS-AUTH-001 (no valid credential),
 * ATS-AUTH-002 (a valid credential without the required scope), ATS-AUTH-003 (the identity provider's keys
 * could not be fetched) and ATS-AUTH-004 (a browser's submission from a page of another origin). Any other `ATS-REQ-*` is 400; anything else (AUT_*, unknown) is 500.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  'ATS-REQ-016': 404,
  'ATS-REQ-017': 202,
  'ATS-REQ-100': 500,
  'ATS-REQ-101': 200,
  'ATS-REQ-105': 413,
  'ATS-REQ-106': 503,
  'ATS-AUTH-001': 401,
  'ATS-AUTH-002': 403,
  'ATS-AUTH-003': 503,
  'ATS-AUTH-004': 403,
  'ATS-REQ-107': 405,
});

/** Options of {@link httpStatusForCode}. */
export interface HttpStatusOptions {
  /** A schema error (wrong JSON types, malformed body): MTS answers 422 even though its code is ATS-REQ-102. */
  schema?: boolean;
}

/**
 * The HTTP status MTS answers with when `code` is the error of a whole call.
 *
 * @example
 * ```ts
 * httpStatusForCode('ATS-REQ-016');                   // 404
 * httpStatusForCode('ATS-REQ-102');                   // 400
 * httpStatusForCode('ATS-REQ-102', { schema: true }); // 422
 * ```
 */
export function httpStatusForCode(code: string, options: HttpStatusOptions = {}): number {
  if (options.schema) return 422;
  const status = HTTP_STATUS_BY_CODE[code];
  if (status !== undefined) return status;
  return code.startsWith('ATS-REQ-') ? 400 : 500;
}
