import type { Instant } from '@app/clock';
import type { DomainEvent } from '@app/kernel';

/** Where a key came from: `POST /api-keys`, the first embedded start, or an `API_KEYS_FILE` of an earlier release. */
export type ApiKeyOrigin = 'issued' | 'first-start' | 'imported';

/** A key came into use; only its SHA-256 is kept. */
export type ApiKeyIssued = DomainEvent<
  'ApiKeyIssued',
  {
    readonly keyId: string;
    readonly name: string;
    readonly role: string;
    readonly sha256: string;
    readonly origin: ApiKeyOrigin;
    readonly issuedAt: Instant;
  }
>;

/** The key got a new secret; the previous one is still accepted until `previousValidUntil`. */
export type ApiKeyRotated = DomainEvent<
  'ApiKeyRotated',
  {
    readonly keyId: string;
    readonly sha256: string;
    readonly previousSha256: string;
    readonly previousValidUntil: Instant;
    readonly rotatedAt: Instant;
  }
>;

/** The key and every secret it had are refused from `revokedAt` on. */
export type ApiKeyRevoked = DomainEvent<
  'ApiKeyRevoked',
  { readonly keyId: string; readonly name: string; readonly revokedAt: Instant }
>;

export type ApiKeyEvent = ApiKeyIssued | ApiKeyRotated | ApiKeyRevoked;

export const API_KEY_EVENT_TYPES: readonly ApiKeyEvent['type'][] = ['ApiKeyIssued', 'ApiKeyRotated', 'ApiKeyRevoked'];
