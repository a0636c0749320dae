import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Instant } from '@app/clock';

export const SIGNATURE_HEADER = 'X-Signature';
export const TIMESTAMP_HEADER = 'X-Timestamp';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Five minutes either way, as most webhook senders allow. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** What a signature covers besides the body: when it was sent, to which receiver, as which delivery. */
export interface SignedParts {
  /** Unix seconds, as sent in {@link TIMESTAMP_HEADER}. */
  readonly timestamp: string;
  /** The role and URL of the receiver, exactly as configured in `ALERT_WEBHOOKS`. */
  readonly role: string;
  readonly url: string;
  /** As sent in {@link IDEMPOTENCY_KEY_HEADER}: one per alert and receiver. */
  readonly idempotencyKey: string;
  readonly body: string;
}

/**
 * Hex HMAC-SHA256 of `<timestamp>\n<role>\n<url>\n<idempotencyKey>\n<body>`: a request captured on its way to one
 * receiver does not verify at another, whose role or URL differs.
 */
export const signWebhook = (secret: string, { timestamp, role, url, idempotencyKey, body }: SignedParts): string =>
  createHmac('sha256', secret).update(`${timestamp}\n${role}\n${url}\n${idempotencyKey}\n${body}`).digest('hex');

export const unixSeconds = (at: Instant): string => String(Math.floor(Date.parse(at) / 1_000));

export interface SignedRequest {
  /** The raw body, exactly as received. */
  readonly body: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly idempotencyKey: string | undefined;
}

/** The receiver checking the signature: its own role and URL, as the engine was told them. */
export interface WebhookReceiver {
  readonly role: string;
  readonly url: string;
}

export type Verification =
  | { readonly isValid: true }
  | { readonly isValid: false; readonly reason: 'malformed' | 'bad-signature' | 'stale-timestamp' };

/**
 * For receivers: checks in constant time that the request was signed for this receiver (role and URL) and this
 * delivery, and that the timestamp is within `toleranceSeconds` of `now`, so that a captured request can neither be
 * replayed later nor to another receiver.
 */
export const verifyWebhookSignature = (
  secret: string,
  request: SignedRequest,
  receiver: WebhookReceiver,
  now: Instant,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): Verification => {
  const { timestamp, signature, idempotencyKey, body } = request;
  const isWellFormed =
    timestamp !== undefined &&
    /^\d+$/.test(timestamp) &&
    signature !== undefined &&
    /^[0-9a-f]{64}$/.test(signature) &&
    idempotencyKey !== undefined &&
    idempotencyKey.length > 0;
  if (!isWellFormed) return { isValid: false, reason: 'malformed' };
  const expected = Buffer.from(signWebhook(secret, { timestamp, ...receiver, idempotencyKey, body }), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { isValid: false, reason: 'bad-signature' };
  if (Math.abs(Number(unixSeconds(now)) - Number(timestamp)) > toleranceSeconds) {
    return { isValid: false, reason: 'stale-timestamp' };
  }
  return { isValid: true };
};
