import * as fieldMapping from '@mts/field-mapping';
import { createRecordMapper, validateEnvelope, ENVELOPE_SCHEMAS } from '@mts/field-mapping';
import type { Authenticator } from '@mts/authenticator';
import type { EnvelopePort, SyncPort } from './ports.js';
import type { EnvelopeSchemas } from './openapi.js';

// compileOutputFormat is promised by @mts/field-mapping's contract but not exported yet; looked up by name so the
// API builds meanwhile. Until it exists, outputFormat is checked for type only (validateEnvelope does that).
const compileOutputFormat = (fieldMapping as unknown as { compileOutputFormat?: (e: unknown) => unknown }).compileOutputFormat;

/** Whether outputFormat expressions are compiled at submission (false until @mts/field-mapping exports compileOutputFormat). */
export const outputFormatCompiled = typeof compileOutputFormat === 'function';

/**
 * Envelope checks by `@mts/field-mapping`: validateEnvelope (MTS's codes and order) and compileOutputFormat.
 * @example createApp({ ...deps, envelope: fieldMappingEnvelope() })
 */
export function fieldMappingEnvelope(): EnvelopePort {
  return {
    validate: (kind, body) => validateEnvelope(kind, body),
    compileOutputFormat: (expression) => {
      if (expression === undefined || expression === null || expression === false || expression === '') return null;
      return compileOutputFormat ? compileOutputFormat(expression) : null;
    },
  };
}

/** The envelope schemas for the OpenAPI document. */
export function fieldMappingSchemas(): EnvelopeSchemas {
  return { ...ENVELOPE_SCHEMAS } as EnvelopeSchemas;
}

/**
 * Sync mode over `@mts/field-mapping`'s mapper and an `@mts/authenticator` made on first use (so an API without
 * partner settings still starts; the endpoint then answers ATS-REQ-106).
 * @example const sync = createSyncPort({ authenticator: () => createAuthenticator(cfg), mandatoryFields, defaultLang: 'eng' });
 */
export function createSyncPort(options: { authenticator: () => Authenticator; mandatoryFields: readonly string[]; defaultLang: string }): SyncPort & { close(): Promise<void> } {
  let auth: Authenticator | null = null;
  return {
    async authenticate(record, { mapping, lang }) {
      const map = createRecordMapper({ mapping: mapping as never, lang: lang ?? options.defaultLang, mandatoryFields: options.mandatoryFields });
      const mapped = map(record);
      if (!mapped.ok) return { kind: 'invalid', code: mapped.code, message: mapped.message };
      auth ??= options.authenticator();
      const { vid, ...demographics } = mapped.input;
      const result = await auth.authenticate({ individualId: vid, demographics });
      return { kind: 'auth', authStatus: result.authStatus, authToken: result.authToken, errors: result.errors };
    },
    async close() {
      await auth?.close();
      auth = null;
    },
  };
}
