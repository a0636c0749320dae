import { DateTime } from 'luxon';
import type { Instant } from '@app/clock';
import type { Decider } from '@app/kernel';
import { assertNever, DomainError, InvalidCommand, UnknownCommand } from '../domain-error';
import type { ApiKeyCommand, IssueApiKey, RevokeApiKey, RotateApiKey } from './api-key.commands';
import { ApiKeyAlreadyRevoked, ApiKeyNameTaken, ApiKeyNotFound } from './api-key.errors';
import type { ApiKeyEvent, ApiKeyOrigin } from './api-key.events';

/** A secret of a key: the current one has no end; a rotated one is accepted until `validUntil`. */
export interface KeySecret {
  readonly sha256: string;
  readonly validUntil: Instant | null;
}

export interface RegisteredKey {
  readonly keyId: string;
  readonly name: string;
  readonly role: string;
  readonly origin: ApiKeyOrigin;
  readonly issuedAt: Instant;
  readonly secrets: readonly KeySecret[];
  readonly revokedAt: Instant | null;
}

/** Every key ever issued, in one stream so that names stay unique through its expected revision. */
export interface ApiKeyRegistry {
  readonly keys: ReadonlyMap<string, RegisteredKey>;
}

export const initialApiKeyRegistry: ApiKeyRegistry = { keys: new Map() };

/** A rotation leaves the old secret usable for at most a week. */
export const MAX_ROTATION_GRACE_MINUTES = 7 * 24 * 60;

const withKey = (registry: ApiKeyRegistry, key: RegisteredKey): ApiKeyRegistry => ({
  keys: new Map(registry.keys).set(key.keyId, key),
});

export const evolveApiKeyRegistry = (registry: ApiKeyRegistry, event: ApiKeyEvent): ApiKeyRegistry => {
  switch (event.type) {
    case 'ApiKeyIssued': {
      const { keyId, name, role, sha256, origin, issuedAt } = event.data;
      if (registry.keys.has(keyId)) return registry;
      const secrets = [{ sha256, validUntil: null }];
      return withKey(registry, { keyId, name, role, origin, issuedAt, secrets, revokedAt: null });
    }
    case 'ApiKeyRotated': {
      const key = registry.keys.get(event.data.keyId);
      if (!key) return registry;
      const { sha256, previousSha256, previousValidUntil } = event.data;
      const secrets = [
        { sha256, validUntil: null },
        { sha256: previousSha256, validUntil: previousValidUntil },
      ];
      return withKey(registry, { ...key, secrets });
    }
    case 'ApiKeyRevoked': {
      const key = registry.keys.get(event.data.keyId);
      return key && key.revokedAt === null ? withKey(registry, { ...key, revokedAt: event.data.revokedAt }) : registry;
    }
    default:
      return assertNever(event, registry);
  }
};

/** The key a secret belongs to, while the key is not revoked and the secret not past its grace period. */
export const keyOfSecret = (registry: ApiKeyRegistry, sha256: string, now: Instant): RegisteredKey | undefined =>
  [...registry.keys.values()].find(
    (key) =>
      key.revokedAt === null &&
      key.secrets.some((secret) => secret.sha256 === sha256 && (secret.validUntil === null || secret.validUntil > now)),
  );

type Decision = readonly ApiKeyEvent[] | DomainError;

const hasSecret = (registry: ApiKeyRegistry, sha256: string): boolean =>
  [...registry.keys.values()].some((key) => key.secrets.some((secret) => secret.sha256 === sha256));

const issue = ({ data, metadata }: IssueApiKey, registry: ApiKeyRegistry): Decision => {
  const existing = registry.keys.get(data.keyId);
  if (existing)
    return existing.name === data.name && existing.secrets[0]?.sha256 === data.sha256
      ? []
      : new ApiKeyNameTaken(data.name);
  // An imported secret seen before, even on a key revoked since, is not brought back.
  if (data.origin === 'imported' && hasSecret(registry, data.sha256)) return [];
  const isTaken = [...registry.keys.values()].some((key) => key.name === data.name && key.revokedAt === null);
  if (isTaken) return new ApiKeyNameTaken(data.name);
  const { keyId, name, role, sha256, origin } = data;
  return [{ type: 'ApiKeyIssued', data: { keyId, name, role, sha256, origin, issuedAt: metadata.now } }];
};

const activeKey = (registry: ApiKeyRegistry, keyId: string): RegisteredKey | DomainError => {
  const key = registry.keys.get(keyId);
  if (!key) return new ApiKeyNotFound(keyId);
  return key.revokedAt === null ? key : new ApiKeyAlreadyRevoked(keyId);
};

const rotate = ({ data, metadata }: RotateApiKey, registry: ApiKeyRegistry): Decision => {
  const { graceMinutes } = data;
  if (!Number.isInteger(graceMinutes) || graceMinutes < 0 || graceMinutes > MAX_ROTATION_GRACE_MINUTES) {
    return new InvalidCommand('graceMinutes', `must be a whole number from 0 to ${MAX_ROTATION_GRACE_MINUTES}`);
  }
  const key = activeKey(registry, data.keyId);
  if (key instanceof DomainError) return key;
  if (key.secrets[0]?.sha256 === data.sha256) return [];
  const previousValidUntil = DateTime.fromISO(metadata.now, { zone: 'utc' }).plus({ minutes: graceMinutes }).toISO();
  return [
    {
      type: 'ApiKeyRotated',
      data: {
        keyId: key.keyId,
        sha256: data.sha256,
        previousSha256: key.secrets[0]?.sha256 ?? '',
        previousValidUntil: previousValidUntil ?? metadata.now,
        rotatedAt: metadata.now,
      },
    },
  ];
};

const revoke = ({ data, metadata }: RevokeApiKey, registry: ApiKeyRegistry): Decision => {
  const key = registry.keys.get(data.keyId);
  if (!key) return new ApiKeyNotFound(data.keyId);
  if (key.revokedAt !== null) return [];
  return [{ type: 'ApiKeyRevoked', data: { keyId: key.keyId, name: key.name, revokedAt: metadata.now } }];
};

export const decideApiKey = (command: ApiKeyCommand, registry: ApiKeyRegistry): Decision => {
  switch (command.type) {
    case 'IssueApiKey':
      return issue(command, registry);
    case 'RotateApiKey':
      return rotate(command, registry);
    case 'RevokeApiKey':
      return revoke(command, registry);
    default:
      return assertNever(command, new UnknownCommand((command as { type: string }).type));
  }
};

export const apiKeyDecider = (command: ApiKeyCommand): Decider<ApiKeyRegistry, ApiKeyEvent, DomainError> => ({
  initialState: initialApiKeyRegistry,
  evolve: evolveApiKeyRegistry,
  decide: (registry: ApiKeyRegistry): Decision => decideApiKey(command, registry),
});
