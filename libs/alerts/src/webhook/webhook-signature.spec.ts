import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'a-shared-secret-of-some-length';
const NOW = '2026-11-30T19:00:00.000Z';
const TIMESTAMP = String(Date.parse(NOW) / 1_000);
const BODY = '{"alertId":"a-1","kind":"breach"}';
const OPS = { role: 'ops', url: 'https://ops.example.test/hook' };
const MANAGER = { role: 'manager', url: 'https://manager.example.test/hook' };
const KEY = 'a-1__ops__0123456789ab';

describe('verifyWebhookSignature', () => {
  const signature = signWebhook(SECRET, { timestamp: TIMESTAMP, ...OPS, idempotencyKey: KEY, body: BODY });
  const signed = { body: BODY, timestamp: TIMESTAMP, signature, idempotencyKey: KEY };

  it('accepts a request signed for this receiver with the secret, within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, signed, OPS, '2026-11-30T19:04:59.000Z')).toEqual({ isValid: true });
  });

  it.each([
    ['a request to the ops receiver replayed to the manager', MANAGER],
    ['a request replayed to another URL of the same role', { role: 'ops', url: 'https://other.example.test/hook' }],
    ['a request replayed under another role at the same URL', { role: 'manager', url: OPS.url }],
  ])('refuses %s', (_, receiver) => {
    expect(verifyWebhookSignature(SECRET, signed, receiver, NOW)).toEqual({ isValid: false, reason: 'bad-signature' });
  });

  it.each([
    [
      'another secret',
      {
        ...signed,
        signature: signWebhook('another-secret-entirely', {
          timestamp: TIMESTAMP,
          ...OPS,
          idempotencyKey: KEY,
          body: BODY,
        }),
      },
    ],
    ['a changed body', { ...signed, body: BODY.replace('breach', 'at-risk') }],
    ['a changed timestamp', { ...signed, timestamp: String(Number(TIMESTAMP) + 1) }],
    ['another idempotency key', { ...signed, idempotencyKey: 'a-1__manager__0123456789ab' }],
  ])('refuses %s', (_, request) => {
    expect(verifyWebhookSignature(SECRET, request, OPS, NOW)).toEqual({ isValid: false, reason: 'bad-signature' });
  });

  it('refuses a replay outside the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, signed, OPS, '2026-11-30T19:05:01.000Z', 300)).toEqual({
      isValid: false,
      reason: 'stale-timestamp',
    });
  });

  it.each([
    ['no signature', { ...signed, signature: undefined }],
    ['no timestamp', { ...signed, timestamp: undefined }],
    ['no idempotency key', { ...signed, idempotencyKey: undefined }],
    ['a signature that is not hex SHA-256', { ...signed, signature: 'abc' }],
  ])('refuses a request with %s as malformed', (_, request) => {
    expect(verifyWebhookSignature(SECRET, request, OPS, NOW)).toEqual({ isValid: false, reason: 'malformed' });
  });

  it('signs timestamp, role, URL, idempotency key and body, one per line, with HMAC-SHA256', () => {
    expect(signWebhook('key', { timestamp: '1', role: 'ops', url: 'u', idempotencyKey: 'k', body: 'body' })).toBe(
      'fb1f4084362d349ff6d4fdf419e6149a1e189b54bbc6c55a62e6e6661de96a4a',
    );
  });
});
