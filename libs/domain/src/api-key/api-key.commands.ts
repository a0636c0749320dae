import type { Command } from '@app/kernel';
import type { ApiKeyOrigin } from './api-key.events';

/** The edge draws the key and its id and passes only the key's SHA-256. */
export type IssueApiKey = Command<
  'IssueApiKey',
  {
    readonly keyId: string;
    readonly name: string;
    readonly role: string;
    readonly sha256: string;
    readonly origin: ApiKeyOrigin;
  }
>;
export type RotateApiKey = Command<
  'RotateApiKey',
  { readonly keyId: string; readonly sha256: string; readonly graceMinutes: number }
>;
export type RevokeApiKey = Command<'RevokeApiKey', { readonly keyId: string }>;

export type ApiKeyCommand = IssueApiKey | RotateApiKey | RevokeApiKey;
