// Public API of @mts/field-mapping: every export is named here.

// errors (mapping/envelopes/writers engineer)
export { FieldMappingError } from './lib/errors.js';

// mapping (mapping/envelopes/writers engineer)
export { createRecordMapper, MTS_AUTH_FIELDS, DEFAULT_FIELD_MAPPING, DEFAULT_MANDATORY_FIELDS } from './lib/record-mapper.js';
export type { AuthInput, FieldMapping, LangValue, MapResult, MtsAuthField, RecordMapperOptions } from './lib/record-mapper.js';
export { parseFieldPath } from './lib/field-path.js';
export type { PathSegment } from './lib/field-path.js';
export { normaliseDob } from './lib/dob.js';

// writers (mapping/envelopes/writers engineer)
export { csvWriter, jsonArrayWriter, ndjsonWriter } from './lib/writers.js';
export type { CsvWriterOptions, WriterOptions } from './lib/writers.js';

// output templates: an MTS outputFormat over @mts/jq (template engineer)
export { compileOutputFormat } from './lib/output-format.js';
export type { DefaultOutputRecord, OutputContext, OutputTemplate } from './lib/output-format.js';
