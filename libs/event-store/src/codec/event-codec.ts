import type { EventMetadata, EventStore, RecordedEvent } from '../port/event-store.port';

/** Turns the `data` of one event type stored at `fromVersion` into the shape of `fromVersion + 1`. Pure. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown, metadata: EventMetadata): unknown;
}

export class DuplicateUpcaster extends Error {
  constructor(
    readonly type: string,
    readonly fromVersion: number,
  ) {
    super(`two upcasters for ${type} from version ${fromVersion}`);
  }
}

/**
 * Knows every event type's current schema version and upgrades older shapes on read, one version at a time. Stored
 * events are never rewritten: a replay upcasts again.
 */
export class EventCodec {
  private readonly upcasters = new Map<string, Upcaster>();
  private readonly currentVersions = new Map<string, number>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.upcasters.has(key)) throw new DuplicateUpcaster(upcaster.type, upcaster.fromVersion);
      this.upcasters.set(key, upcaster);
      const current = this.currentVersions.get(upcaster.type) ?? 1;
      this.currentVersions.set(upcaster.type, Math.max(current, upcaster.fromVersion + 1));
    }
  }

  /** The version new events of this type are written with: 1 until a first upcaster exists. */
  schemaVersion(type: string): number {
    return this.currentVersions.get(type) ?? 1;
  }

  upcast<Data = unknown>(event: RecordedEvent): RecordedEvent<Data> {
    let { data, metadata } = event;
    for (
      let upcaster = this.upcasters.get(`${event.type}@${metadata.schemaVersion}`);
      upcaster;
      upcaster = this.upcasters.get(`${event.type}@${metadata.schemaVersion}`)
    ) {
      data = upcaster.upcast(data, metadata);
      metadata = { ...metadata, schemaVersion: upcaster.fromVersion + 1 };
    }
    return (metadata === event.metadata ? event : { ...event, data, metadata }) as RecordedEvent<Data>;
  }
}

async function* upcastAll(codec: EventCodec, events: AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
  for await (const event of events) yield codec.upcast(event);
}

/**
 * The same store, writing every new event at its type's current schema version and upcasting every event read or
 * delivered to its current shape, as `openEventStore` opens it: for an adapter opened directly (SQLite options).
 * Raises `DuplicateUpcaster` for two upcasters of one type from the same version.
 */
export const withUpcasting = (store: EventStore, upcasters: readonly Upcaster[]): EventStore => {
  const codec = new EventCodec(upcasters);
  return {
    append: (stream, events, options) =>
      store.append(
        stream,
        events.map((event) => ({
          ...event,
          metadata: { ...event.metadata, schemaVersion: codec.schemaVersion(event.type) },
        })),
        options,
      ),
    readStream: (stream, options) => upcastAll(codec, store.readStream(stream, options)),
    readAll: (options) => upcastAll(codec, store.readAll(options)),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, (event) => handler(codec.upcast(event))),
    headPosition: () => store.headPosition(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
};
