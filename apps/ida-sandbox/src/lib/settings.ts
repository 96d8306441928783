import type { TitleList } from './normalise.js';

/**
 * IDA behaviour the sandbox lets you tune (the spec's open questions), stored as `settings.json` in the data
 * folder. Defaults follow IDA 1.2.x.
 */
export interface IdaSettings {
  /** IDA's own partner id (`ida-auth-partner-id`), the code of ID-Repo's identityToken. */
  idaPartnerId: string;
  /** System languages (mandatory + optional). */
  languages: string[];
  allowedDomainUris: string[];
  allowedIdTypes: string[];
  /** Masterdata titles removed from names, per language. */
  titles: TitleList;
  /** How `x5c[0]` is decoded: KM 1.2.x is lenient (accepts MTS's PEM-with-newlines form), KM 1.3.0 strict. */
  x5cMode: 'lenient' | 'strict';
  /** KM 1.3.0 hashes each TokenID step twice. */
  tokenIdDoubleHash: boolean;
  /** Consume VID transactions (`CONSUME_VID_DEFAULT`). */
  consumeVid: boolean;
}

export const DEFAULT_SETTINGS: IdaSettings = {
  idaPartnerId: 'mpartner-default-auth',
  languages: ['eng', 'ara', 'fra'],
  allowedDomainUris: ['https://api-internal.sandbox.mosip.net', 'https://api.sandbox.mosip.net'],
  allowedIdTypes: ['UIN', 'VID'],
  titles: { eng: ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr'] },
  x5cMode: 'lenient',
  tokenIdDoubleHash: false,
  consumeVid: true,
};
