import { CancelledError, UnavailableError } from '@eventstore/db-client';

/** Attempts at a call that failed because the connection went; the client reconnects on the next call. */
export const TRANSIENT_ATTEMPTS = 4;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/** The errors on which the client itself drops its channel and reconnects on the next call. */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError || error instanceof CancelledError;

export const backoffMs = (attempt: number): number => Math.min(FIRST_DELAY_MS * 2 ** attempt, MAX_DELAY_MS);

/** Resolves after `ms`, or as soon as `signal` aborts. */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> => {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake);
  });
};
