/**
 * Deepest nesting of arrays and objects any parser (and the API) accepts. A demographic record needs 3 or 4
 * levels; past a few thousand, recursive code such as `JSON.stringify` overflows the stack, so the limit sits far
 * below that and far above any real record.
 */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * Whether `value` nests arrays/objects more than `maxDepth` levels (a container at the top is level 1).
 * Iterative, so it is safe on a value of any depth (`JSON.parse` builds them without limit).
 *
 * @example exceedsJsonDepth(JSON.parse('{"a":[[1]]}'), 2) // true: object > array > array is 3 levels
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (child !== null && typeof child === 'object') stack.push([child as object, depth + 1]);
    }
  }
  return false;
}
