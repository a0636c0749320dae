import type { RetryPolicy } from './bull-jobs';

/** How long to keep retrying, and the waits between tries: doubling from `backoffMs`, never above `maxBackoffMs`. */
export interface RetryHorizon {
  readonly horizonMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/** A horizon whose waits could never grow or never end. */
export class InvalidRetryHorizon extends Error {
  readonly code = 'invalid-retry-horizon';
  constructor(readonly horizon: RetryHorizon) {
    super(`retry waits must be positive and the horizon not negative: ${JSON.stringify(horizon)}`);
  }
}

/** The wait before retry `retry` (1 for the first): `backoffMs * 2^(retry-1)`, at most `maxBackoffMs`. */
export const cappedBackoffMs = (retry: number, backoffMs: number, maxBackoffMs: number): number =>
  Math.min(backoffMs * 2 ** (retry - 1), maxBackoffMs);

/**
 * As many tries as fit in the horizon: the waits between them add up to at most `horizonMs`, and one more wait
 * would pass it. The time the tries themselves take comes on top.
 */
export const retryPolicyWithin = (horizon: RetryHorizon): RetryPolicy => {
  const { horizonMs, backoffMs, maxBackoffMs } = horizon;
  if (!(backoffMs > 0 && maxBackoffMs > 0 && horizonMs >= 0)) throw new InvalidRetryHorizon(horizon);
  let retries = 0;
  let waitedMs = 0;
  for (;;) {
    const waitMs = cappedBackoffMs(retries + 1, backoffMs, maxBackoffMs);
    if (waitedMs + waitMs > horizonMs) return { attempts: retries + 1, backoffMs, maxBackoffMs };
    if (waitMs === maxBackoffMs) break;
    waitedMs += waitMs;
    retries += 1;
  }
  // From here on every wait is the cap: no need to add them one by one.
  retries += Math.floor((horizonMs - waitedMs) / maxBackoffMs);
  return { attempts: retries + 1, backoffMs, maxBackoffMs };
};

/** The settings of the alert deliveries' retries, as the configuration names them. */
export interface AlertRetrySettings {
  readonly ALERT_RETRY_HORIZON_MS: number;
  readonly ALERT_RETRY_BACKOFF_MS: number;
  readonly ALERT_RETRY_MAX_BACKOFF_MS: number;
}

/** The tries of a webhook delivery, from `ALERT_RETRY_HORIZON_MS`, `ALERT_RETRY_BACKOFF_MS` and `…_MAX_BACKOFF_MS`. */
export const alertRetryPolicy = (settings: AlertRetrySettings): RetryPolicy =>
  retryPolicyWithin({
    horizonMs: settings.ALERT_RETRY_HORIZON_MS,
    backoffMs: settings.ALERT_RETRY_BACKOFF_MS,
    maxBackoffMs: settings.ALERT_RETRY_MAX_BACKOFF_MS,
  });
