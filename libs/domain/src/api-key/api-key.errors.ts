import { DomainError } from '../domain-error';

export class ApiKeyNameTaken extends DomainError {
  readonly code = 'api-key-name-taken';
  readonly kind = 'conflict';
  constructor(readonly keyName: string) {
    super(`an API key named ${keyName} already exists`);
  }
}

export class ApiKeyNotFound extends DomainError {
  readonly code = 'api-key-not-found';
  readonly kind = 'not-found';
  constructor(readonly keyId: string) {
    super(`no API key ${keyId}`);
  }
}

export class ApiKeyAlreadyRevoked extends DomainError {
  readonly code = 'api-key-revoked';
  readonly kind = 'conflict';
  constructor(readonly keyId: string) {
    super(`the API key ${keyId} is revoked`);
  }
}
