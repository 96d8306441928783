// vitest's toBeTypeOf, which Jest lacks.
expect.extend({
  toBeTypeOf(received, type) {
    return { pass: typeof received === type, message: () => `expected a ${type}, got a ${typeof received}` };
  },
});
