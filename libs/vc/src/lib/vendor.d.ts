// Ambient types for the untyped JSON-LD packages (only what this library calls).
declare module 'jsonld' {
  interface RemoteDocument {
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
  }
  interface CanonizeOptions {
    algorithm: 'URDNA2015';
    format: 'application/n-quads';
    documentLoader: (url: string) => Promise<RemoteDocument>;
    safe?: boolean;
  }
  const jsonld: { canonize(input: unknown, options: CanonizeOptions): Promise<string> };
  export default jsonld;
}
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
}
declare module 'security-context' {
  const m: { contexts: Map<string, unknown> };
  export default m;
}
declare module 'ed25519-signature-2020-context' {
  const m: { contexts: Map<string, unknown> };
  export default m;
}
