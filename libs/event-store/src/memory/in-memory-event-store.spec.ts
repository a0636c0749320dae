import { randomUUID } from 'node:crypto';
import { describeEventStoreConformance } from '../conformance/event-store.conformance';
import { DuplicateEventId } from '../port/event-store.errors';
import type { NewEvent } from '../port/event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreConformance(
  'in memory',
  async () => {
    const store = new InMemoryEventStore();
    return { store, dispose: () => store.close() };
  },
  { opensEmpty: true },
);

describe('InMemoryEventStore', () => {
  it('refuses an id already stored in another stream, writing nothing, as SQLite does', async () => {
    const store = new InMemoryEventStore();
    const event: NewEvent = {
      id: randomUUID(),
      type: 'TestEventRecorded',
      data: {},
      metadata: {
        correlationId: randomUUID(),
        causationId: null,
        actor: { id: 'test', role: 'system' },
        recordedAt: '2026-11-30T19:00:00.000Z',
        schemaVersion: 1,
      },
    };
    await store.append('test-a', [event], { expectedRevision: 'no-stream' });
    const refusal = store.append('test-b', [event], { expectedRevision: 'no-stream' });

    await expect(refusal).rejects.toBeInstanceOf(DuplicateEventId);
    await expect(refusal).rejects.toMatchObject({ eventId: event.id, stream: 'test-b', storedInStream: 'test-a' });
    expect(await store.readStream('test-b')[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
  });
});
