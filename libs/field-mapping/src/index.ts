// Public API of @mts/field-mapping: every export is named here.

// errors (mapping/envelopes/writers engineer)
export { FieldMappingError } from './lib/errors.js';
