import { createHash } from 'node:crypto';
import { bundledDocumentLoader } from './document-loader.js';
import { VC_CODES, VcError } from './errors.js';

// jsonld (about 3 MB of RSS beyond the rest, and its load time) is loaded on the first proof check, not by every
// process that imports the vc source: the API never canonicalises, and a worker only does for verifyProof requests.
type Jsonld = (typeof import('jsonld'))['default'];
type EventHandler = (arg: { event: { code: string; details?: Record<string, unknown> }; next: () => void }) => void;
let jsonldModule: Promise<Jsonld> | undefined;
// Under Node's ESM loader the CommonJS module is `default`; under Jest's CommonJS transform it is the namespace itself.
const loadJsonld = () => (jsonldModule ??= import('jsonld').then((m) => m.default ?? (m as unknown as Jsonld)));

/**
 * URDNA2015 canonical N-Quads of a JSON-LD document, with the bundled contexts only. Not "safe mode": terms a
 * context does not define are dropped, as MOSIP's signer (Java, titanium/jsonld-java) drops them, so that its
 * VCs verify. What was dropped is not signed: the reader of a verified VC checks with {@link assertFullySigned}
 * that no data it reads was.
 */
export async function canonize(doc: unknown): Promise<string> {
  const jsonld = await loadJsonld();
  try {
    return await jsonld.canonize(doc, { algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader: bundledDocumentLoader, safe: false });
  } catch (err) {
    if (err instanceof VcError) throw err;
    const cause = (err as { details?: { cause?: unknown } }).details?.cause;
    if (cause instanceof VcError) throw cause;
    throw new VcError(VC_CODES.contextNotBundled, 'the VC cannot be canonicalised as JSON-LD', { cause: err });
  }
}

/**
 * Throws `ATS-REQ-065` when turning `doc` into RDF would drop any of its data (JSON-LD "safe mode": a term no
 * context defines, a relative IRI, an empty object…): such data is not covered by a proof over the canonical form.
 * `tolerateTypes` are type names whose being undefined is allowed (MOSIP's `MOSIPVerifiableCredential`). Other
 * JSON-LD failures give `ATS-REQ-068`, as in {@link canonize}.
 */
export async function assertFullySigned(doc: unknown, tolerateTypes: readonly string[] = []): Promise<void> {
  const jsonld = await loadJsonld();
  const tolerated = new Set(tolerateTypes);
  const tolerate: EventHandler = ({ event, next }) => {
    const type = event.code === 'relative @type reference' ? event.details?.type : event.code === 'relative object reference' ? event.details?.object : undefined;
    if (!(typeof type === 'string' && tolerated.has(type))) next();
  };
  try {
    await jsonld.toRDF(doc, { format: 'application/n-quads', documentLoader: bundledDocumentLoader, eventHandler: [tolerate, jsonld.safeEventHandler] });
  } catch (err) {
    if (err instanceof VcError) throw err;
    const cause = (err as { details?: { cause?: unknown } }).details?.cause;
    if (cause instanceof VcError) throw cause;
    // The event names the dropped term; it is left out of the message, which never quotes a VC's content.
    if ((err as { name?: unknown }).name === 'jsonld.ValidationError') {
      throw new VcError(VC_CODES.proofInvalid, "the credentialSubject holds data its proof does not cover (a term the VC's contexts do not define)", { cause: err });
    }
    throw new VcError(VC_CODES.contextNotBundled, 'the VC cannot be canonicalised as JSON-LD', { cause: err });
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The bytes a Linked Data proof signs (the Linked Data Proofs / jsonld-signatures scheme, as MOSIP's
 * `URDNA2015Canonicalizer` builds them): SHA-256 of the canonical proof options (the proof without `jws`,
 * `proofValue` and `signatureValue`, under the document's `@context`) followed by SHA-256 of the canonical
 * document without its `proof`. 64 bytes.
 */
export async function proofVerifyData(document: Readonly<Record<string, unknown>>, proof: Readonly<Record<string, unknown>>): Promise<Buffer> {
  const { proof: _dropped, ...unsigned } = document;
  const { jws: _jws, proofValue: _pv, signatureValue: _sv, ...options } = proof;
  const proofOptions = { '@context': document['@context'], ...options };
  const [c14nProof, c14nDocument] = await Promise.all([canonize(proofOptions), canonize(unsigned)]);
  return Buffer.concat([sha256(c14nProof), sha256(c14nDocument)]);
}
