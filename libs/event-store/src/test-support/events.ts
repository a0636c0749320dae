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
