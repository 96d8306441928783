import { odkInput } from '@mts/envelope';
import { pullOdkSubmissions } from '@mts/parsers';
import type { InputSource } from '../source.js';

/** POST authtoken/odk: the worker pulls the submissions from ODK Central with `request.odkconfig`. */
export const odkSource: InputSource<'odk'> = {
  kind: 'odk',
  storedAs: ['odk'],
  envelope: odkInput,
  intake: { type: 'pull' },
  // Checked at submission, so always there; the pull's own guard still fails cleanly (ODK_CONFIG_BASEURL) if not.
  // MTS_PULL_PAGE_SIZE sets OData's $top (default 250) unless the odataurl names its own.
  // Oldest first: Central serves newest first, so a line number would shift when a submission arrives between a
  // failed pull and its retry (which skips the lines stored already). Oldest first, a new submission (its date is
  // Central's clock at arrival) lands after every row there is, so positions and the retry's line numbers stay put.
  read: (ctx) =>
    pullOdkSubmissions(ctx.config.odkconfig!, {
      fetch: ctx.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      order: 'oldest-first',
      ...(ctx.pageSize ? { pageSize: ctx.pageSize } : {}),
    }),
};
