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
  interface JsonLdEvent {
    code: string;
    level: string;
    details?: Record<string, unknown>;
  }
  type EventHandler = (arg: { event: JsonLdEvent; next: () => void }) => void;
  interface ToRdfOptions {
    format: 'application/n-quads';
    documentLoader: (url: string) => Promise<RemoteDocument>;
    eventHandler?: EventHandler | EventHandler[];
  }
  const jsonld: {
    canonize(input: unknown, options: CanonizeOptions): Promise<string>;
    toRDF(input: unknown, options: ToRdfOptions): Promise<string>;
    safeEventHandler: EventHandler;
  };
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
