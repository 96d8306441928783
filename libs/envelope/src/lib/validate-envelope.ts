import { createEnvelopeValidator } from './create-validator.js';
import { MTS_DELIVERIES, MTS_INPUTS, type EnvelopeKind } from './mts-parts.js';
import type { EnvelopeIssue, JsonSchema, ValidateEnvelopeOptions } from './parts.js';

const mts = createEnvelopeValidator({ inputs: MTS_INPUTS, deliveries: MTS_DELIVERIES });

/**
 * Validates an MTS request envelope and returns its issues, `[]` when it is valid. Composed of the MTS parts
 * (`json`, `csv`, `odk`, `sync` inputs; `download`, `callback` deliveries): see `createEnvelopeValidator` to add one.
 *
 * Order and precedence follow MTS: the first MTS rule that fails (400: requesttime, output, deliverytype,
 * outputFormat 103, callbackProperties 024–034, authdata) is the only issue; otherwise every schema error is one 422
 * `ATS-REQ-102` "Invalid Input. …"; then, for odk, the ODK checks (400, ATS-REQ-018..022). For `csv`, `body` is the
 * `request` form field, as a string or already parsed. Messages name fields, never their values. Pass
 * `compileOutputFormat` (e.g. `@mts/field-mapping`'s) for the ATS-REQ-103 check; without it outputFormat is
 * checked for type only.
 *
 * @example
 * ```ts
 * const issues = validateEnvelope('json', req.body, { compileOutputFormat });
 * if (issues.length) return res.status(issues[0].httpStatus).json(errorEnvelope(issues));
 * ```
 */
export function validateEnvelope(kind: EnvelopeKind, body: unknown, options: ValidateEnvelopeOptions = {}): EnvelopeIssue[] {
  return mts.validate(kind, body, options);
}

/** The MTS envelope schemas by kind (draft-07), for ajv and the API's OpenAPI document. */
export const ENVELOPE_SCHEMAS: Readonly<Record<EnvelopeKind, JsonSchema>> = mts.schemas;
/** POST authtoken/json */
export const jsonEnvelopeSchema: JsonSchema = ENVELOPE_SCHEMAS.json;
/** POST authtoken/csv: the `request` form field, parsed as JSON. */
export const csvEnvelopeSchema: JsonSchema = ENVELOPE_SCHEMAS.csv;
/** POST authtoken/odk */
export const odkEnvelopeSchema: JsonSchema = ENVELOPE_SCHEMAS.odk;
/** POST authtoken/json in sync mode (`sync_operation_mode`): one record, answered inline. */
export const syncEnvelopeSchema: JsonSchema = ENVELOPE_SCHEMAS.sync;
