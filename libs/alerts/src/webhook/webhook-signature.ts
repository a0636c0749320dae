import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Instant } from '@app/clock';

export const SIGNATURE_HEADER = 'X-Signature';
export const TIMESTAMP_HEADER = 'X-Timestamp';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Five minutes either way, as most webhook senders allow. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of `<timestamp>.<body>`; `timestamp` is in Unix seconds, as sent in {@link TIMESTAMP_HEADER}. */
export const signWebhook = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const unixSeconds = (at: Instant): string => String(Math.floor(Date.parse(at) / 1_000));

export interface SignedRequest {
  /** The raw body, exactly as received. */
  readonly body: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

export type Verification =
  | { readonly isValid: true }
  | { readonly isValid: false; readonly reason: 'malformed' | 'bad-signature' | 'stale-timestamp' };

/**
 * For receivers: checks the signature in constant time and that the timestamp is within `toleranceSeconds` of `now`,
 * so that a captured request cannot be replayed later.
 */
export const verifyWebhookSignature = (
  secret: string,
  request: SignedRequest,
  now: Instant,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): Verification => {
  const { timestamp, signature, body } = request;
  if (!timestamp || !/^\d+$/.test(timestamp) || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    return { isValid: false, reason: 'malformed' };
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { isValid: false, reason: 'bad-signature' };
  if (Math.abs(Number(unixSeconds(now)) - Number(timestamp)) > toleranceSeconds) {
    return { isValid: false, reason: 'stale-timestamp' };
  }
  return { isValid: true };
};
