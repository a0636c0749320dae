import type { ResolvedEvent } from '@eventstore/db-client';
import { EventStoreUnavailable } from '../port/event-store.errors';
import type { EventMetadata, RecordedEvent } from '../port/event-store.port';

/** System streams (`$settings`, `$$<stream>` metadata, projections' `$ce-…`) are the server's, never the engine's. */
export const isSystemStream = (stream: string): boolean => stream.startsWith('$');

/** The port's event from the client's; the global position is the commit position. */
export const toRecordedEvent = ({ event, commitPosition }: ResolvedEvent): RecordedEvent | undefined => {
  if (!event) return undefined;
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined) {
    throw new EventStoreUnavailable('the server returns no event positions on stream reads (it needs 22.6 or later)');
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
    stream: event.streamId,
    revision: Number(event.revision),
    position: Number(position),
  };
};
