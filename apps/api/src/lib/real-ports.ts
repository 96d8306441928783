import { createSeedValidator } from '@mts/connectors';
import { compileOutputFormat, createRecordMapper } from '@mts/field-mapping';
import type { Authenticator } from '@mts/authenticator';
import type { EnvelopePort, SyncPort } from './ports.js';
import type { EnvelopeSchemas } from './openapi.js';

/**
 * Envelope checks: `@mts/envelope`'s validateEnvelope (MTS's codes and order) with `@mts/field-mapping`'s
 * compileOutputFormat as its ATS-REQ-103 compiler.
 * @example createApp({ ...deps, envelope: fieldMappingEnvelope() })
 */
export function fieldMappingEnvelope(): EnvelopePort {
  const validator = createSeedValidator();
  return {
    validate: (kind, body) => validator.validate(kind, body, { compileOutputFormat }),
    // A non-string outputFormat (other than false/null) was already refused by validateEnvelope.
    compileOutputFormat: (expression) => compileOutputFormat(typeof expression === 'string' ? expression : null),
  };
}

/** The envelope schemas for the OpenAPI document. */
export function fieldMappingSchemas(): EnvelopeSchemas {
  return { ...createSeedValidator().schemas } as EnvelopeSchemas;
}

/**
 * Sync mode over `@mts/field-mapping`'s mapper and an `@mts/authenticator` made on first use (so an API without
 * partner settings still starts; the endpoint then answers ATS-REQ-106).
 * @example const sync = createSyncPort({ authenticator: () => createAuthenticator(cfg), mandatoryFields, defaultLang: 'eng' });
 */
export function createSyncPort(options: {
  authenticator: () => Authenticator;
  mandatoryFields: readonly string[];
  defaultLang: string;
  /** MTS's `name_delimiter` and `full_address_delimiter`; default `' '` and `', '`. */
  nameDelimiter?: string;
  addressDelimiter?: string;
}): SyncPort & { close(): Promise<void> } {
  let auth: Authenticator | null = null;
  return {
    async authenticate(record, { mapping, lang }) {
      const map = createRecordMapper({
        mapping,
        lang: lang ?? options.defaultLang,
        mandatoryFields: options.mandatoryFields,
        nameDelimiter: options.nameDelimiter,
        addressDelimiter: options.addressDelimiter,
      });
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
