/**
 * `promise`, or a rejection saying `what` is still pending once `ms` pass first: a test of something that must not
 * hang then fails with its own message instead of Jest's timeout. The timer never keeps the process alive.
 *
 * @example
 * await within(openStore(options), 4000, 'openStore'); // rejects "openStore: still pending after 4000 ms"
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
