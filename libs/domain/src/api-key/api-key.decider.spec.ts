import { specify } from '../test-support/given-when-then';
import type { ApiKeyCommand } from './api-key.commands';
import {
  type ApiKeyRegistry,
  apiKeyDecider,
  evolveApiKeyRegistry,
  initialApiKeyRegistry,
  keyOfSecret,
} from './api-key.decider';
import { ApiKeyAlreadyRevoked, ApiKeyNameTaken, ApiKeyNotFound } from './api-key.errors';
import type { ApiKeyEvent, ApiKeyIssued } from './api-key.events';
import { InvalidCommand } from '../domain-error';

const NOW = '2026-11-30T15:00:00.000Z';
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const metadata = { now: NOW, commandId: 'c-1', correlationId: 'c-1', actor: { id: 'root', role: 'admin' } };

const given = specify(apiKeyDecider, undefined);

const anIssued = (data: Partial<ApiKeyIssued['data']> = {}): ApiKeyIssued => ({
  type: 'ApiKeyIssued',
  data: { keyId: 'k-1', name: 'alice', role: 'agent', sha256: SHA_A, origin: 'issued', issuedAt: NOW, ...data },
});
const issue = (data: Partial<Extract<ApiKeyCommand, { type: 'IssueApiKey' }>['data']> = {}): ApiKeyCommand => ({
  type: 'IssueApiKey',
  data: { keyId: 'k-1', name: 'alice', role: 'agent', sha256: SHA_A, origin: 'issued', ...data },
  metadata,
});
const registryOf = (events: readonly ApiKeyEvent[]): ApiKeyRegistry =>
  events.reduce(evolveApiKeyRegistry, initialApiKeyRegistry);

describe('API key registry, when empty', () => {
  it('issues a key with its SHA-256, name and role', () => given([]).when(issue()).then([anIssued()]));
});

describe('API key registry, with a key issued', () => {
  it('refuses a second key of the same name', () =>
    given([anIssued()])
      .when(issue({ keyId: 'k-2', sha256: SHA_B }))
      .thenRefused(ApiKeyNameTaken, { keyName: 'alice' }));

  it('issues nothing again for the same command repeated', () => given([anIssued()]).when(issue()).then([]));

  it('rotates to a new secret, the previous one valid for the grace period', () =>
    given([anIssued()])
      .when({ type: 'RotateApiKey', data: { keyId: 'k-1', sha256: SHA_B, graceMinutes: 90 }, metadata })
      .then([
        {
          type: 'ApiKeyRotated',
          data: {
            keyId: 'k-1',
            sha256: SHA_B,
            previousSha256: SHA_A,
            previousValidUntil: '2026-11-30T16:30:00.000Z',
            rotatedAt: NOW,
          },
        },
      ]));

  it('refuses a grace period beyond a week', () =>
    given([anIssued()])
      .when({ type: 'RotateApiKey', data: { keyId: 'k-1', sha256: SHA_B, graceMinutes: 10_081 }, metadata })
      .thenRefused(InvalidCommand, { field: 'graceMinutes' }));

  it('revokes it', () =>
    given([anIssued()])
      .when({ type: 'RevokeApiKey', data: { keyId: 'k-1' }, metadata })
      .then([{ type: 'ApiKeyRevoked', data: { keyId: 'k-1', name: 'alice', revokedAt: NOW } }]));

  it('refuses to revoke a key it does not know', () =>
    given([anIssued()])
      .when({ type: 'RevokeApiKey', data: { keyId: 'k-9' }, metadata })
      .thenRefused(ApiKeyNotFound, { keyId: 'k-9' }));
});

describe('API key registry, with a key revoked', () => {
  const revoked: ApiKeyEvent[] = [
    anIssued(),
    { type: 'ApiKeyRevoked', data: { keyId: 'k-1', name: 'alice', revokedAt: NOW } },
  ];

  it('lets the name be used again', () =>
    given(revoked)
      .when(issue({ keyId: 'k-2', sha256: SHA_B }))
      .then([anIssued({ keyId: 'k-2', sha256: SHA_B })]));

  it('does not bring the secret back from an old key file', () =>
    given(revoked)
      .when(issue({ keyId: 'k-3', origin: 'imported' }))
      .then([]));

  it('refuses to rotate it', () =>
    given(revoked)
      .when({ type: 'RotateApiKey', data: { keyId: 'k-1', sha256: SHA_B, graceMinutes: 0 }, metadata })
      .thenRefused(ApiKeyAlreadyRevoked, { keyId: 'k-1' }));

  it('recognises none of its secrets', () => expect(keyOfSecret(registryOf(revoked), SHA_A, NOW)).toBeUndefined());
});

describe('a secret, after a rotation', () => {
  const rotated = registryOf([
    anIssued(),
    {
      type: 'ApiKeyRotated',
      data: {
        keyId: 'k-1',
        sha256: SHA_B,
        previousSha256: SHA_A,
        previousValidUntil: '2026-11-30T16:00:00.000Z',
        rotatedAt: NOW,
      },
    },
  ]);

  it.each([
    ['the new one', SHA_B, '2027-01-01T00:00:00.000Z', 'k-1'],
    ['the old one, within the grace period', SHA_A, '2026-11-30T15:59:59.999Z', 'k-1'],
    ['the old one, once the grace period is over', SHA_A, '2026-11-30T16:00:00.000Z', undefined],
  ])('identifies %s', (_which, sha256, at, keyId) => expect(keyOfSecret(rotated, sha256, at)?.keyId).toBe(keyId));
});
