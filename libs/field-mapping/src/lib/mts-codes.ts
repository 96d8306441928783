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

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'ATS-REQ-016': 404,
  'ATS-REQ-017': 202,
  'ATS-REQ-100': 500,
  'ATS-REQ-101': 200,
};

/**
 * The HTTP status MTS answers with when `code` is the error of a whole call. `ATS-REQ-102` is 400 here; its schema
 * form (one issue per schema error) is 422 and carries that status in its `EnvelopeIssue`.
 *
 * @example
 * ```ts
 * httpStatusForCode('ATS-REQ-016'); // 404
 * ```
 */
export function httpStatusForCode(code: string): number {
  const status = STATUS_BY_CODE[code];
  if (status !== undefined) return status;
  return code.startsWith('ATS-REQ-') ? 400 : 500;
}
