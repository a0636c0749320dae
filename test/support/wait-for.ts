/** Polls `attempt` until it gives a value, failing after `timeoutMs` and naming what it waited for. */
export const waitFor = async <T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> => {
  const start = performance.now();
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
