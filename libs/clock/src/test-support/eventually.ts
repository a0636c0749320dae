/**
 * Retries `assertion` until it stops throwing, then returns what it returned; after `timeoutMs` rethrows its last
 * failure, so the test says what it was still waiting for. The one way tests wait for something asynchronous.
 */
export const eventually = async <T>(
  assertion: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> => {
  const start = performance.now();
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (performance.now() - start > timeoutMs) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
