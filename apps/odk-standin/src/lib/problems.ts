/** An ODK Central problem answer: `{ code, message, details? }` with its HTTP status. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

// Central's problem codes; the 401.2 text is Central's (spec §2), the others are close paraphrases.
export const problems = {
  parse: () => new Problem(400, 400.1, 'Could not parse the given data.'),
  badQuery: (field: string) => new Problem(400, 400.2, `Unexpected value for query parameter ${field}.`, { field }),
  authFailed: () => new Problem(401, 401.2, 'Could not authenticate with the provided credentials.'),
  forbidden: () => new Problem(403, 403.1, 'The authenticated actor does not have rights to perform that action.'),
  notFound: () => new Problem(404, 404.1, 'Could not find the resource you were looking for.'),
  notImplemented: (feature: string) =>
    new Problem(501, 501.1, `The requested feature ${feature} is not supported by this server.`, { feature }),
  unsupportedField: (text: string) =>
    new Problem(501, 501.5, `The given OData filter expression references fields not supported by this server: ${text}`),
  internal: () => new Problem(500, 500.1, 'Internal Server Error'),
};

/** The default body of an injected fault with this status. */
export function problemFor(status: number): Record<string, unknown> {
  if (status === 401) return problems.authFailed().body();
  if (status === 403) return problems.forbidden().body();
  if (status === 404) return problems.notFound().body();
  if (status === 501) return problems.notImplemented('(injected)').body();
  return { code: status + 0.1, message: `Injected failure ${status}.` };
}
