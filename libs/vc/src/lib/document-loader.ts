import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import securityContext from 'security-context';
import ed25519Context from 'ed25519-signature-2020-context';
import { JWS_2020_CONTEXT } from './contexts/jws-2020.js';
import { MOSIP_CONTEXT_PATH, mosipContext } from './contexts/mosip.js';
import { VC_CODES, VcError } from './errors.js';

/** A JSON-LD document loader's answer. */
export interface LoadedContext {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

const BUNDLED = new Map<string, unknown>([
  ...credentialsContexts,
  ...securityContext.contexts,
  ...ed25519Context.contexts,
  ['https://w3id.org/security/suites/jws-2020/v1', JWS_2020_CONTEXT],
]);
// One object per URL: jsonld keeps resolved contexts in a shared cache, so repeated VCs reuse the work.
const mosipByHost = new Map<string, unknown>();

/** The URLs of the contexts served as they are (MOSIP's is served for any host, at {@link MOSIP_CONTEXT_PATH}). */
export const BUNDLED_CONTEXT_URLS: readonly string[] = Object.freeze([...BUNDLED.keys()]);

/**
 * The JSON-LD document loader of VC proofs: serves the bundled W3C credentials v1 and v2, security v1/v2, Ed25519 2020 and
 * JWS 2020 contexts and MOSIP's IDA context, and refuses anything else with `ATS-REQ-068`. Nothing is fetched.
 *
 * @example
 * ```ts
 * await jsonld.canonize(vc, { algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader: bundledDocumentLoader });
 * ```
 */
export async function bundledDocumentLoader(url: string): Promise<LoadedContext> {
  const known = BUNDLED.get(url);
  if (known !== undefined) return { contextUrl: null, documentUrl: url, document: known };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed && parsed.protocol === 'https:' && parsed.pathname === MOSIP_CONTEXT_PATH && !parsed.search) {
    let doc = mosipByHost.get(parsed.host);
    if (doc === undefined) {
      if (mosipByHost.size > 64) mosipByHost.clear(); // bounded: hosts come from callers' VCs
      mosipByHost.set(parsed.host, (doc = mosipContext(parsed.host)));
    }
    return { contextUrl: null, documentUrl: url, document: doc };
  }
  throw new VcError(VC_CODES.contextNotBundled, 'the VC names a JSON-LD context that is not bundled (contexts are never fetched)');
}
