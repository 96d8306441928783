/**
 * The builtin table, keyed `name/arity`. Everything is native (no jq-defined prelude), so each builtin is one
 * closure; behaviour follows jq 1.6, the reference binary and MTS's engine, except where noted.
 */
import { registerCoreBuiltins } from './builtins-core.js';
import { registerFilterBuiltins } from './builtins-filters.js';
import { registerPathBuiltins } from './builtins-paths.js';
import { registerStringBuiltins } from './builtins-strings.js';
export { lookupBuiltin } from './registry.js';

/**
 * Deliberately absent: anything that reads the environment, other inputs, files, the clock or writes to
 * stderr, or stops the process (`localtime` reads the TZ environment). A template sees its record and nothing else.
 */
export const FORBIDDEN = new Set([
  'env', 'input', 'inputs', 'debug', 'stderr', 'input_filename', 'input_line_number', 'halt', 'halt_error',
  'get_search_list', 'modulemeta', 'now', 'localtime', 'strflocaltime', 'get_prog_origin', 'get_jq_origin',
]);

registerCoreBuiltins();
registerFilterBuiltins();
registerStringBuiltins();
registerPathBuiltins();
