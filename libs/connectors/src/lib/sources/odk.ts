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
  read: (ctx) => pullOdkSubmissions(ctx.config.odkconfig!, { ...(ctx.fetch ? { fetch: ctx.fetch } : {}), ...(ctx.pageSize ? { pageSize: ctx.pageSize } : {}) }),
};
