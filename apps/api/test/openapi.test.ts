// The served OpenAPI document is a valid OpenAPI 3.1 document: checked against the official 3.1 schema by
// @seriousme/openapi-schema-validator, and every Schema Object in it compiled by ajv as JSON Schema 2020-12
// (the 3.1 dialect) in strict mode, which the OpenAPI schema alone leaves unchecked.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTempDir } from '@mts/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../src/lib/openapi.js';
import { fieldMappingSchemas } from '../src/lib/real-ports.js';

type Doc = { paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: Record<string, unknown>; security?: unknown[] }>>; components: { schemas: Record<string, unknown> } };

const documents = [
  ['default', openApiDocument('/', fieldMappingSchemas())],
  ['prefixed, sync mode', openApiDocument('/mosiptokenseeder/', fieldMappingSchemas(), { syncOperationMode: true })],
] as const;

describe.each(documents)('the OpenAPI document (%s)', (_name, document) => {
  const doc = document as unknown as Doc;

  it('is valid OpenAPI 3.1', async () => {
    // The validator is ESM only (import.meta): it runs in its own Node process rather than in Jest's CommonJS.
    const dir = await createTempDir('openapi-');
    try {
      const file = join(dir.path, 'openapi.json');
      await writeFile(file, JSON.stringify(document));
      const script = `import { Validator } from '@seriousme/openapi-schema-validator';
        const v = new Validator(); const r = await v.validate(process.argv[1]);
        process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors ?? [] }));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, file], { cwd: __dirname });
      const result = JSON.parse(stdout) as { valid: boolean; version: string; errors: unknown[] };
      expect(result.errors).toEqual([]);
      expect(result).toEqual({ valid: true, version: '3.1', errors: [] });
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('has schemas that compile as JSON Schema 2020-12 in strict mode', () => {
    // Component references point into one registered schema holding the components as $defs.
    const rebase = (schema: unknown): object => JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"https://mts.local/components#/$defs/'));
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, validateFormats: true });
    addFormats.default(ajv);
    // The OpenAPI 3.1 dialect's own keywords.
    ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    ajv.addSchema(rebase({ $id: 'https://mts.local/components', $defs: doc.components.schemas }));
    const problems: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      for (const [k, v] of Object.entries(o)) {
        if (k === 'schema' && v && typeof v === 'object') {
          try {
            ajv.compile(rebase(v));
          } catch (e) {
            problems.push(`${where}/${k}: ${(e as Error).message}`);
          }
        } else visit(v, `${where}/${k}`);
      }
    };
    visit(document.paths, '#/paths');
    try {
      ajv.getSchema('https://mts.local/components');
    } catch (e) {
      problems.push(`#/components/schemas: ${(e as Error).message}`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation an operationId (unique), tags and its error responses', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect([path, method, typeof op.operationId]).toEqual([path, method, 'string']);
        expect([path, method, (op.tags ?? []).length > 0]).toEqual([path, method, true]);
        ids.push(op.operationId!);
        if (path.includes('authtoken/')) expect([path, method, Object.keys(op.responses).some((s) => /^[45]/.test(s))]).toEqual([path, method, true]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents health, metrics, duplicates, and the security schemes applied to authtoken/*', () => {
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(paths.some((p) => p.endsWith('authtoken/duplicates/{id}'))).toBe(true);
    const schemes = (document as unknown as { components: { securitySchemes: Record<string, { type: string }> } }).components.securitySchemes;
    expect(schemes.ApiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: expect.any(String) });
    expect(schemes.OidcBearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        if (path.includes('authtoken/')) expect([path, op.security]).toEqual([path, [{}, { ApiKey: [] }, { OidcBearer: [] }]]);
        else expect([path, op.security]).toEqual([path, [{}]]);
      }
    }
  });
});
