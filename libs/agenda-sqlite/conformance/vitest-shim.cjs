// vitest's test API on Jest's globals, including vitest's (name, options, fn) call form.
const g = globalThis;
function adaptTest(base) {
  const wrapped = (name, a, b) => (typeof a === 'function' ? base(name, a, b) : base(name, b, a && a.timeout));
  for (const k of ['skip', 'only', 'concurrent']) if (base[k]) wrapped[k] = adaptTest(base[k]);
  for (const k of ['each', 'todo']) if (base[k]) wrapped[k] = base[k];
  wrapped.skipIf = (cond) => (cond ? adaptTest(base.skip) : wrapped);
  wrapped.runIf = (cond) => (cond ? wrapped : adaptTest(base.skip));
  return wrapped;
}
function adaptDescribe(base) {
  const wrapped = (name, a, b) => base(name, typeof a === 'function' ? a : b);
  for (const k of ['skip', 'only']) if (base[k]) wrapped[k] = adaptDescribe(base[k]);
  if (base.each) wrapped.each = base.each;
  wrapped.skipIf = (cond) => (cond ? adaptDescribe(base.skip) : wrapped);
  wrapped.runIf = (cond) => (cond ? wrapped : adaptDescribe(base.skip));
  return wrapped;
}
module.exports = {
  get describe() { return adaptDescribe(g.describe); },
  get it() { return adaptTest(g.it); },
  get test() { return adaptTest(g.test); },
  get expect() { return g.expect; },
  get beforeEach() { return g.beforeEach; },
  get afterEach() { return g.afterEach; },
  get beforeAll() { return g.beforeAll; },
  get afterAll() { return g.afterAll; },
  get vi() { return g.jest; },
};
