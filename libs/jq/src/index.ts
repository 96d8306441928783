// Public API of @mts/jq: every export is named here.

export { compileJq, compileJqFirst } from './lib/compile-jq.js';
export type { JqFirstProgram, JqOptions, JqProgram } from './lib/compile-jq.js';
export { JqError } from './lib/errors.js';
export type { JqErrorCode } from './lib/errors.js';
