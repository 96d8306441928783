import { buildEnvelopeSchema } from './envelope-schemas.js';
import { EnvelopeError } from './errors.js';
import { isObject, issue, truthy } from './envelope-rules.js';
import { isMtsRequestTime } from './request-time.js';
import { createSchemaCompiler, type SchemaCheck } from './schema-check.js';
import type { DeliveryEnvelopePart, EnvelopeIssue, InputEnvelopePart, JsonSchema, ValidateEnvelopeOptions } from './parts.js';

/** What the validator is composed of. */
export interface EnvelopeValidatorOptions<K extends string = string> {
  inputs: readonly InputEnvelopePart<K>[];
  deliveries: readonly DeliveryEnvelopePart[];
  /** Output formats; default MTS's `json`, `csv`. */
  outputs?: readonly string[];
  /** Defaults for every call (a call's own options win). */
  defaults?: ValidateEnvelopeOptions;
}

/** A validator composed of input and delivery parts. */
export interface EnvelopeValidator<K extends string = string> {
  /** The issues of `body` for the input `kind`, `[]` when valid (see `validateEnvelope` for the order). */
  validate(kind: K, body: unknown, options?: ValidateEnvelopeOptions): EnvelopeIssue[];
  /** The JSON Schema of each kind's envelope (for OpenAPI). */
  readonly schemas: Readonly<Record<K, JsonSchema>>;
}

/**
 * Composes a validator from input and delivery parts: the core owns `requesttime`, `output`, `deliverytype` (its
 * enum is the registered deliveries), `mapping`, `lang` and `outputFormat`; each part owns one `request` field.
 *
 * @example
 * ```ts
 * const { validate } = createEnvelopeValidator({ inputs: [...MTS_INPUTS, sheetsInput], deliveries: MTS_DELIVERIES });
 * validate('sheets', body); // [] when valid
 * ```
 */
export function createEnvelopeValidator<K extends string>(options: EnvelopeValidatorOptions<K>): EnvelopeValidator<K> {
  const outputs = options.outputs ?? ['json', 'csv', 'ndjson'];
  const inputs = byKey(options.inputs, (p) => p.kind, 'input kind');
  const deliveries = byKey(options.deliveries, (p) => p.deliverytype, 'deliverytype');
  const schemas = Object.fromEntries(options.inputs.map((input) => [input.kind, buildEnvelopeSchema({ input, deliveries: options.deliveries, outputs })])) as Record<K, JsonSchema>;
  const compile = createSchemaCompiler();
  const compiled = new Map<string, SchemaCheck>();

  function validate(kind: K, body: unknown, callOptions: ValidateEnvelopeOptions = {}): EnvelopeIssue[] {
    const input = inputs.get(kind);
    if (input === undefined) throw new EnvelopeError('ENVELOPE_UNKNOWN_KIND', `no input is registered for kind ${JSON.stringify(kind)}`);
    const opts = { ...options.defaults, ...callOptions };
    if (body === undefined || body === null || body === '') return [issue('ATS-REQ-102', 'invalid input. missing request body')];
    let envelope = body;
    if (input.jsonText && typeof body === 'string') {
      try {
        envelope = JSON.parse(body);
      } catch {
        return [{ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. Invalid JSON', httpStatus: 422 }];
      }
    }
    const ruleIssues = firstRuleIssues(input, envelope, opts);
    if (ruleIssues.length > 0) return [...ruleIssues];
    let check = compiled.get(kind);
    if (check === undefined) compiled.set(kind, (check = compile(schemas[kind])));
    const schemaProblems = check(envelope);
    if (schemaProblems.length > 0) return schemaProblems;
    // The schema passed, so `request` is an object.
    const request = (envelope as { request: Record<string, unknown> }).request;
    const delivery = input.inline ? undefined : deliveries.get(request.deliverytype as string);
    for (const part of [input, delivery]) {
      const issues = part?.check?.(part.key === undefined ? undefined : request[part.key], request, opts) ?? [];
      if (issues.length > 0) return [...issues];
    }
    return [];
  }

  /** MTS's 400 rules in its field order; each is skipped when the value has the wrong shape (a schema error says so). */
  function firstRuleIssues(input: InputEnvelopePart, envelope: unknown, opts: ValidateEnvelopeOptions): readonly EnvelopeIssue[] {
    if (!isObject(envelope)) return [];
    if (envelope.requesttime !== undefined && !isMtsRequestTime(envelope.requesttime)) {
      return [issue('ATS-REQ-102', 'invalid input. requesttime is not in valid format')];
    }
    const request = envelope.request;
    if (!isObject(request)) return [];
    const inputRule = () => input.rule?.(input.key === undefined ? undefined : request[input.key], request, opts) ?? [];
    if (input.inline) return inputRule();
    if (request.output !== undefined) {
      if (!truthy(request.output)) return [issue('ATS-REQ-102', 'invalid input. output type is not mentioned')];
      if (!outputs.includes(request.output as string)) return [issue('ATS-REQ-102', 'invalid input. output type is not supported')];
    }
    if (request.deliverytype !== undefined) {
      if (!truthy(request.deliverytype)) return [issue('ATS-REQ-102', 'invalid input. delivery type is not mentioned')];
      if (!deliveries.has(request.deliverytype as string)) return [issue('ATS-REQ-102', 'invalid input. delivery type is not supported')];
    }
    const format = request.outputFormat;
    if (typeof format === 'string' && format !== '' && opts.compileOutputFormat) {
      try {
        opts.compileOutputFormat(format);
      } catch {
        return [issue('ATS-REQ-103', 'outputFormat is not a valid jq expression')];
      }
    }
    const delivery = deliveries.get(request.deliverytype as string);
    const deliveryIssues = delivery?.rule?.(delivery.key === undefined ? undefined : request[delivery.key], request, opts) ?? [];
    return deliveryIssues.length > 0 ? deliveryIssues : inputRule();
  }

  return { validate, schemas: Object.freeze(schemas) };
}

function byKey<P>(parts: readonly P[], key: (p: P) => string, what: string): Map<string, P> {
  const map = new Map<string, P>();
  for (const part of parts) {
    if (map.has(key(part))) throw new EnvelopeError('ENVELOPE_INVALID_PARTS', `two parts declare the ${what} ${JSON.stringify(key(part))}`);
    map.set(key(part), part);
  }
  return map;
}
