import {
  type AllFilter,
  type EventStore,
  type LogFollower,
  LogProcessor,
  type LogProcessorOptions,
  type RecordedEvent,
} from '@app/event-store';
import type { CheckpointStore } from './checkpoint-store';

/** Reacts to events of the log, at least once each: `handle` must be idempotent. */
export interface Reactor {
  /** Also the key of its checkpoint. */
  readonly name: string;
  readonly filter?: AllFilter;
  /** Called each time before following the log, with the checkpoint it resumes after: rebuilds what it keeps in memory. */
  prepare?(after: number | undefined): Promise<void>;
  handle(event: RecordedEvent): Promise<void>;
}

/** The reactor flavour of the log processor: one event at a time, the checkpoint saved after each effect. */
export const reactorFollower = (reactor: Reactor, checkpoints: CheckpointStore): LogFollower => ({
  name: reactor.name,
  ...(reactor.filter ? { filter: reactor.filter } : {}),
  checkpoint: () => checkpoints.load(reactor.name),
  ...(reactor.prepare ? { prepare: (after: number | undefined) => reactor.prepare!(after) } : {}),
  handle: async (events) => {
    for (const event of events) {
      await reactor.handle(event);
      await checkpoints.save(reactor.name, event.position);
    }
  },
  skipTo: (position) => checkpoints.save(reactor.name, position),
});

/** Follows the log with `reactor` from its checkpoint, in the background, until stopped. */
export const startReactor = (
  store: EventStore,
  checkpoints: CheckpointStore,
  reactor: Reactor,
  options: LogProcessorOptions,
): LogProcessor => {
  const processor = new LogProcessor(store, reactorFollower(reactor, checkpoints), options);
  processor.start();
  return processor;
};
