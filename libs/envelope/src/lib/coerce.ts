/** pydantic 1's `str` coercion: numbers (and booleans, a kind of int in Python) become their text. */
function pydanticStr(value: unknown, withBooleans = true): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (withBooleans && typeof value === 'boolean') return value ? 'True' : 'False';
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What MTS (pydantic 1) turns into strings before its checks, so callers written against it (OpenG2P's
 * connector, older scripts) are accepted: `id`, `version`, `metadata` and `request.lang` given as a number or a
 * boolean, and `request.outputFormat` given as a number (`false` keeps its meaning: no template). Returns a copy;
 * anything else is left for the schema to judge.
 *
 * @example
 * ```ts
 * coerceMtsScalars({ id: 5, version: 1.1, metadata: true, request: { lang: 5 } });
 * // → { id: '5', version: '1.1', metadata: 'True', request: { lang: '5' } }
 * ```
 */
export function coerceMtsScalars(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  const out: Record<string, unknown> = { ...body };
  for (const key of ['id', 'version', 'metadata'] as const) if (key in out) out[key] = pydanticStr(out[key]);
  if (isPlainObject(out.request)) {
    const request: Record<string, unknown> = { ...out.request };
    if ('lang' in request) request.lang = pydanticStr(request.lang);
    if ('outputFormat' in request) request.outputFormat = pydanticStr(request.outputFormat, false);
    out.request = request;
  }
  return out;
}
