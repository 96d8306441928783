// MOSIP's IDA VC context (mosip-config `mosip-ida-context.json`), which each deployment serves at
// https://<api host>/.well-known/mosip-ida-context.json with its own host in the term IRIs. Rebuilt here from its
// term list, with the deployment's host put back in. Its first entry imports the ODRL context from the network;
// that import is left out (nothing is fetched), so a VC that uses a term only ODRL defines is canonicalised
// without it and its proof will not verify.

const LANG_TERMS = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'gender', 'fullName', 'province', 'region', 'fln', 'ad1', 'ad2', 'ad3', 'cit', 'gen', 'pro', 'reg'];
const PLAIN_TERMS = ['vcVer', 'UIN', 'VID', 'registrationType', 'dateOfBirth', 'email', 'phone', 'postalCode', 'dob', 'em', 'ph', 'poc', 'cph'];

/** The path every MOSIP deployment serves its context at. */
export const MOSIP_CONTEXT_PATH = '/.well-known/mosip-ida-context.json';

/** MOSIP's IDA context for a deployment whose public API host is `host` (e.g. `api.collab.mosip.net`). */
export function mosipContext(host: string): Record<string, unknown> {
  const base = `https://${host}/mosip#`;
  const terms: Record<string, unknown> = {
    mosip: base,
    schema: 'http://schema.org/',
    rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  };
  for (const t of PLAIN_TERMS) terms[t] = `mosip:${t}`;
  for (const t of LANG_TERMS) terms[t] = { '@id': `${base}${t}`, '@context': { value: 'rdf:value', lang: '@language' } };
  terms.bestTwoFingers = {
    '@id': `${base}bestTwoFingers`,
    '@context': { id: '@id', type: '@type', subType: `${base}subType`, rank: `${base}rank` },
  };
  return { '@context': [{ '@version': 1.1 }, terms] };
}
