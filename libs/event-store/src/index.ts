export { EVENT_STORE } from './port/event-store.port';
export type {
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
  DuplicateEventId,
  EventStoreError,
  EventStoreUnavailable,
  EventTooLarge,
  InvalidEvent,
  InvalidStreamName,
  StreamHistoryHidden,
  SubscriptionRefused,
  type SubscriptionRefusal,
} from './port/event-store.errors';
export {
  EVENT_SIZE_LIMIT_BYTES,
  assertValidStreamName,
  isValidStreamName,
  validateAppend,
  type SerialisedEvent,
} from './port/validate-append';
/** The in-memory adapter, for unit tests of other libraries. */
export { InMemoryEventStore } from './memory/in-memory-event-store';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
/** The EventStoreDB adapter, opened from an `esdb://…` connection string; keep-alive is always on. */
export { EsdbEventStore, type EsdbEventStoreOptions } from './esdb/esdb-event-store';
export type { EsdbLogger } from './esdb/esdb-retry';
export { DuplicateUpcaster, EventCodec, withUpcasting, type Upcaster } from './codec/event-codec';
export {
  COMMAND_EVENT_ID_NAMESPACE,
  commandEventId,
  handleCommand,
  RecordedEventsUnread,
  type CommandOutcome,
} from './command/handle-command';
export {
  EventStoreModule,
  type EventStoreModuleAsyncOptions,
  type EventStoreModuleOptions,
} from './nest/event-store.module';
export { UnsupportedEventStoreUrl, openEventStore } from './nest/open-event-store';
export {
  catchUpFollower,
  DEFAULT_PROCESSOR_RETRY,
  LogProcessor,
  type LogFollower,
  type LogProcessorOptions,
  type ProcessorFailure,
  type ProcessorLogger,
  type ProcessorRetry,
  type ProcessorState,
  type ProcessorStatus,
} from './processor/log-processor';
export { LogProcessors } from './processor/log-processors';
