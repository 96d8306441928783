/** A JSON Schema (draft-07) object, for ajv and the API's OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

/** One problem with a request envelope, as MTS reports it. */
export interface EnvelopeIssue {
  errorCode: string;
  errorMessage: string;
  httpStatus: number;
}

/** `'mts'`: ATS-REQ-18..23 as MTS 1.1.0 sends them; `'padded'`: ATS-REQ-018..023 as its docs list them. */
export type OdkCodeStyle = 'mts' | 'padded';

/** Options of a validation call; parts receive them too. */
export interface ValidateEnvelopeOptions {
  /** How ATS-REQ-018..023 are spelled: `'mts'` (default) as MTS 1.1.0 sends them (`ATS-REQ-18`), or `'padded'`. */
  odkCodes?: OdkCodeStyle;
  /**
   * Compiles a non-empty `outputFormat`; a throw means ATS-REQ-103 (normally `@mts/field-mapping`'s
   * `compileOutputFormat`). Without one (`undefined` or `null`) `outputFormat` is checked for type only.
   */
  compileOutputFormat?: ((expression: string) => unknown) | null;
}

/** A check of one part's field: its issues in MTS's order (MTS itself reports only the first), `[]` when fine. */
export type PartCheck = (value: unknown, request: Readonly<Record<string, unknown>>, options: ValidateEnvelopeOptions) => readonly EnvelopeIssue[];

/**
 * The part of the envelope that one input source or one delivery owns: a field of `request`, its schema and
 * MTS's checks of it. Registering a part is all the core needs to accept a new input or delivery.
 */
export interface EnvelopePart {
  /** The `request` field this part owns (`odkconfig`, `callbackProperties`, `authdata`…); none for `download`. */
  key?: string;
  /** JSON Schema of that field (shape only). */
  schema?: JsonSchema;
  /** Whether the field must be present (a missing one is a 422 schema error). */
  required?: boolean;
  /** MTS's 400 rules for the field, checked before the schema in field order (MTS's pydantic validators). */
  rule?: PartCheck;
  /** Checks made once the whole envelope passed its schema (MTS's service-level checks, e.g. ODK 018–022). */
  check?: PartCheck;
}

/** An input source's part, keyed by its kind (the endpoint: `json`, `csv`, `odk`, `sync`). */
export interface InputEnvelopePart<K extends string = string> extends EnvelopePart {
  kind: K;
  /** The envelope may arrive as JSON text (csv's multipart `request` field); it is parsed first (422 if not JSON). */
  jsonText?: boolean;
  /** Answered inline (sync mode): `request` is `{ mapping, lang, <key> }`, with no output, delivery or outputFormat. */
  inline?: boolean;
}

/** A delivery's part, keyed by its `deliverytype` value; its field is read (and required) only for that value. */
export interface DeliveryEnvelopePart extends EnvelopePart {
  deliverytype: string;
}
