import { describeEventStoreConformance } from '../conformance/event-store.conformance';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreConformance('in memory', async () => {
  const store = new InMemoryEventStore();
  return { store, dispose: () => store.close() };
});
