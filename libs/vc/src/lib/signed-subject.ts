import { assertFullySigned } from './canonize.js';
import { flattenSubject, langValue } from './subject.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

// MOSIP's context maps `value` to rdf:value but not `language` (and `lang` only to a node's @language, which is no
// RDF statement): no proof covers an item's tag, so the tags are set aside here and never used for a verified VC.
const withoutTag = (v: unknown) => {
  if (!isObject(v) || langValue(v) === undefined) return v;
  const { language: _language, lang: _lang, ...rest } = v;
  return rest;
};
const withoutTags = (v: unknown) => (Array.isArray(v) && v.every((i) => langValue(i) !== undefined) ? v.map(withoutTag) : withoutTag(v));

/**
 * A verified VC's `credentialSubject` (`subject`, taken from `vc`) as a flat record, built only from data its
 * proof covers. Its proof must have been checked already: this adds what a proof check alone does not say.
 *
 * - Canonicalisation drops terms the VC's contexts do not define (as MOSIP's signer does), so such a field could be
 *   added to a signed VC without breaking its proof: a subject holding one is refused (`ATS-REQ-065`), checked in
 *   JSON-LD safe mode over the subject. Safe mode is not applied to the proof itself because genuine MOSIP VCs
 *   fail it (their `MOSIPVerifiableCredential` type and their items' `language` key are undefined terms).
 * - Language tags of `{language, value}` items are never signed (MOSIP's context does not define them), so the text
 *   picked for `lang` is the one the issuer tagged so, as for an unverified VC. A swapped tag can only give IDA the
 *   text of another language of the same signed subject, which fails the match; it cannot change who is
 *   authenticated, and refusing every VC with a value in several languages would refuse MOSIP's own.
 *
 * @example
 * ```ts
 * await verifier.verify(vc);
 * const record = await readSignedSubject(vc, vc.credentialSubject, 'eng'); // throws VcError ATS-REQ-065
 * ```
 */
export async function readSignedSubject(vc: Readonly<Json>, subject: Readonly<Json>, lang: string): Promise<Json> {
  const stripped: Json = {};
  for (const [key, value] of Object.entries(subject)) stripped[key] = withoutTags(value);
  // The VC's own types: under credentials v1, `credentialSubject` is defined only in VerifiableCredential's scope.
  const types = (Array.isArray(vc.type) ? vc.type : [vc.type]).filter((t): t is string => typeof t === 'string');
  await assertFullySigned({ '@context': vc['@context'], type: vc.type, credentialSubject: stripped }, types);
  return flattenSubject(subject, lang);
}
