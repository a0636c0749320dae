import { randomUUID } from 'node:crypto';
import type { Instant } from '@app/clock';
import type { NewEvent } from '../port/event-store.port';

/** An event to append in a test: a fresh id, empty data and complete metadata. */
export const aNewEvent = (type: string, recordedAt: Instant = '2026-11-30T15:00:00.000Z'): NewEvent => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: { id: 'test', role: 'system' },
    recordedAt,
    schemaVersion: 1,
  },
});

/**
 * A domain event as appended: a fresh id and complete metadata but its schema version, which the store the engine
 * opens (`openEventStore`) sets.
 */
export const stored = (
  event: { readonly type: string; readonly data: unknown },
  recordedAt: Instant = '2026-11-30T15:00:00.000Z',
  actor: { readonly id: string; readonly role: string } = { id: 'test', role: 'agent' },
): NewEvent => ({
  id: randomUUID(),
  type: event.type,
  data: event.data,
  metadata: { correlationId: randomUUID(), causationId: null, actor, recordedAt },
});
