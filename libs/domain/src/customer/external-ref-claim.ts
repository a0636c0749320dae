import type { Instant } from '@app/clock';
import type { Command, DomainEvent } from '@app/kernel';
import { type DomainError } from '../domain-error';
import { ExternalRefTaken } from './customer.errors';

/** A customer took a reference in a source; the stream of the reference says who holds it. */
export type CustomerExternalRefClaimed = DomainEvent<
  'CustomerExternalRefClaimed',
  { source: string; externalId: string; customerId: string; claimedAt: Instant }
>;
export type ClaimCustomerExternalRef = Command<
  'ClaimCustomerExternalRef',
  { source: string; externalId: string; customerId: string }
>;

/** The customer whose claim is the latest, `null` while none claimed the reference. */
export type ExternalRefHolder = string | null;

export const evolveExternalRefHolder = (
  _holder: ExternalRefHolder,
  event: CustomerExternalRefClaimed,
): ExternalRefHolder => event.data.customerId;

/**
 * A reference names one customer: claimed again by its holder, nothing happens; held by another that still carries
 * it, it is refused; left by its holder (who set another id since), it can be claimed.
 */
export const decideExternalRefClaim = (
  { data, metadata }: ClaimCustomerExternalRef,
  holder: ExternalRefHolder,
  isHolderStillHolding: boolean,
): readonly CustomerExternalRefClaimed[] | DomainError => {
  if (holder === data.customerId) return [];
  if (holder !== null && isHolderStillHolding) return new ExternalRefTaken(data.source, data.externalId, holder);
  return [{ type: 'CustomerExternalRefClaimed', data: { ...data, claimedAt: metadata.now } }];
};
