import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'a-shared-secret-of-some-length';
const NOW = '2026-11-30T19:00:00.000Z';
const TIMESTAMP = String(Date.parse(NOW) / 1_000);
const BODY = '{"alertId":"a-1","kind":"breach"}';

describe('verifyWebhookSignature', () => {
  const signed = { body: BODY, timestamp: TIMESTAMP, signature: signWebhook(SECRET, TIMESTAMP, BODY) };

  it('accepts a request signed with the shared secret, within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, signed, '2026-11-30T19:04:59.000Z')).toEqual({ isValid: true });
  });

  it.each([
    ['another secret', { ...signed, signature: signWebhook('another-secret-entirely', TIMESTAMP, BODY) }],
    ['a changed body', { ...signed, body: BODY.replace('breach', 'at-risk') }],
    ['a changed timestamp', { ...signed, timestamp: String(Number(TIMESTAMP) + 1) }],
  ])('refuses %s', (_, request) => {
    expect(verifyWebhookSignature(SECRET, request, NOW)).toEqual({ isValid: false, reason: 'bad-signature' });
  });

  it('refuses a replay outside the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, signed, '2026-11-30T19:05:01.000Z', 300)).toEqual({
      isValid: false,
      reason: 'stale-timestamp',
    });
  });

  it.each([
    ['no signature', { ...signed, signature: undefined }],
    ['no timestamp', { ...signed, timestamp: undefined }],
    ['a signature that is not hex SHA-256', { ...signed, signature: 'abc' }],
  ])('refuses a request with %s as malformed', (_, request) => {
    expect(verifyWebhookSignature(SECRET, request, NOW)).toEqual({ isValid: false, reason: 'malformed' });
  });

  it('signs the timestamp, a dot and the body with HMAC-SHA256', () => {
    expect(signWebhook('key', '1', 'body')).toBe('91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5');
  });
});
