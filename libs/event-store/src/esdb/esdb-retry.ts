import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotFoundError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  isCommandError,
} from '@eventstore/db-client';
import type { SubscriptionRefusal } from '../port/event-store.errors';

/** Attempts at a read or an append that fails for a transient reason; the client reconnects on the next call. */
export const TRANSIENT_ATTEMPTS = 4;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/** gRPC status codes the client passes on without a type of its own. */
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_OUT_OF_RANGE = 11;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNAUTHENTICATED = 16;

/**
 * A node that is not ready or too busy answers reads with `UNAVAILABLE`, but batch appends with a bare status the
 * client cannot name, which it raises as an `UnknownError` carrying the server's message.
 */
const NOT_SERVING = /Server Is (Not Ready|Busy|Too Busy)/i;

/** The adapter's own deadline: the client sets none on streaming calls, so a silent server would hang them. */
export class CallDeadlineExceeded extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`);
  }
}

/** Unavailable, not ready, too busy, not the leader (the client then reconnects to the leader), or late. */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof NotLeaderError ||
  error instanceof DeadlineExceededError ||
  error instanceof TimeoutError ||
  error instanceof CallDeadlineExceeded ||
  (error instanceof UnknownError && NOT_SERVING.test(error.message));

/** Why the server refused a call in a way that retrying cannot change, or `undefined` when it may be retried. */
export const refusalOf = (error: unknown): Exclude<SubscriptionRefusal, 'kept-failing'> | undefined => {
  if (error instanceof AccessDeniedError) return 'access-denied';
  if (error instanceof NotFoundError || error instanceof StreamDeletedError) return 'not-found';
  if (!(error instanceof Error) || !isCommandError(error) || isTransient(error)) return undefined;
  switch (error.code) {
    case GRPC_PERMISSION_DENIED:
    case GRPC_UNAUTHENTICATED:
      return 'access-denied';
    // EventStoreDB: "Trying to read from an invalid position."
    case GRPC_INVALID_ARGUMENT:
    case GRPC_OUT_OF_RANGE:
      return /position/i.test(error.message) ? 'unknown-position' : 'invalid-request';
    case GRPC_UNIMPLEMENTED:
      return 'invalid-request';
    default:
      return undefined;
  }
};

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

/** The call's outcome, or {@link CallDeadlineExceeded} once `deadlineMs` has passed; a late outcome is dropped. */
export const withinDeadline = <T>(call: Promise<T>, deadlineMs: number): Promise<T> => {
  // The caller sees the call's failure through the race below; only a failure arriving after the deadline, which the
  // caller already got as CallDeadlineExceeded (and retries or reports), must not become an unhandled rejection.
  call.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallDeadlineExceeded(deadlineMs)), deadlineMs);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
};

/** Where the adapter writes: Nest's `Logger` fits, and so does anything with these three methods. */
export interface EsdbLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const describeFailure = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return isCommandError(error) ? `${error.type}: ${error.message}` : error.message;
};

/** Logs the first failure of a run of failures, and the first success after it; nothing in between. */
export class FailureLog {
  private firstFailure: string | undefined;

  constructor(
    private readonly logger: EsdbLogger,
    private readonly subject: string,
  ) {}

  get isFailing(): boolean {
    return this.firstFailure !== undefined;
  }

  failed(error: unknown): void {
    if (this.firstFailure !== undefined) return;
    this.firstFailure = describeFailure(error);
    this.logger.warn(`${this.subject} failed (${this.firstFailure}); retrying with backoff`);
  }

  recovered(): void {
    if (this.firstFailure === undefined) return;
    this.logger.log(`${this.subject} works again after failing (${this.firstFailure})`);
    this.firstFailure = undefined;
  }
}
