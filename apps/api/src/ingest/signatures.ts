import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemException } from '../http/problem';

export const INGEST_SOURCE_HEADER = 'x-ingest-source';
export const INGEST_TIMESTAMP_HEADER = 'x-ingest-timestamp';
export const INGEST_SIGNATURE_HEADER = 'x-ingest-signature';
export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** `sha256=` and the hex HMAC-SHA256 of `<unix seconds>\n<source>\n<raw body>`. */
export const signIngestBatch = (secret: string, timestamp: string, source: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}\n${source}\n${body}`).digest('hex')}`;

/** Zendesk's: base64 of the HMAC-SHA256 of the timestamp header followed directly by the raw body. */
export const signZendeskWebhook = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}${body}`).digest('base64');

const isSame = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const refused = (detail: string): ProblemException => ProblemException.of(401, 'bad-signature', detail);

/** Refuses with `401 bad-signature` a missing or wrong signature, or a timestamp further than `toleranceMs` from now. */
export const verifySignature = (check: {
  readonly expected: string | null;
  readonly signature: unknown;
  readonly sentAtMs: number;
  readonly nowMs: number;
  readonly toleranceMs: number;
}): void => {
  if (check.expected === null) throw refused('No signing secret is configured for this source.');
  if (typeof check.signature !== 'string' || !isSame(check.signature, check.expected)) {
    throw refused('The signature does not match the body.');
  }
  if (!Number.isFinite(check.sentAtMs) || Math.abs(check.nowMs - check.sentAtMs) > check.toleranceMs) {
    throw refused('The signature timestamp is missing or too far from now; sign the request afresh.');
  }
};
