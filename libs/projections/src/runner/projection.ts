import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '@app/event-store';

/** Applies one event to a read model, inside the runner's transaction. */
export type ApplyEvent = (event: RecordedEvent) => void;

/** A read model bound to its file: `apply` each event of a batch in order, then `flush`, in the same transaction. */
export interface BoundProjection {
  readonly apply: ApplyEvent;
  /** Writes what `apply` kept in memory during the batch; absent when `apply` writes directly. */
  readonly flush?: () => void;
}

/** A read model kept in SQLite and fed from the event log. */
export interface Projection {
  /** Also the prefix of its tables. */
  readonly name: string;
  /** A new version drops the model's tables and rebuilds them from position zero at the next start. */
  readonly version: number;
  readonly tables: readonly string[];
  /** Creates the tables and indexes when missing. */
  migrate(db: Database): void;
  /** Prepares the model's statements; the result applies events in global order. Bound again after a failed batch. */
  bind(db: Database): BoundProjection;
}
