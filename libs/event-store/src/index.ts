export { EVENT_STORE } from './port/event-store.port';
export type {
  Actor,
  AllFilter,
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './port/event-store.port';
export {
  ConcurrencyConflict,
  EventStoreError,
  EventStoreUnavailable,
  EventTooLarge,
  InvalidEvent,
  InvalidStreamName,
} from './port/event-store.errors';
