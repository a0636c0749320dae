export interface ProposedEvent {
  readonly id: string;
  readonly metadata: ReadonlyMap<string, string>;
  readonly customMetadata: Uint8Array;
  readonly data: Uint8Array;
  /** The serialised size of the proposed message, which the server's maximum append size applies to. */
  readonly sizeBytes: number;
}

export interface StoredEvent {
  readonly stream: string;
  readonly revision: number;
  /** Commit and prepare position: equal, as on a single node outside explicit transactions. */
  readonly position: number;
  readonly id: string;
  readonly metadata: ReadonlyMap<string, string>;
  readonly customMetadata: Uint8Array;
  readonly data: Uint8Array;
}

export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'revision'; readonly revision: number };

export type AppendOutcome =
  | { readonly kind: 'written'; readonly revision: number; readonly position: number }
  /** Nothing written: an empty append, or one the server recognised as a repeat. */
  | { readonly kind: 'unchanged'; readonly revision: number | null }
  | { readonly kind: 'wrong-expected-version'; readonly current: number | null }
  | { readonly kind: 'too-large'; readonly maxAppendSize: number };

/** The server's default `MaxAppendSize`. */
export const MAX_APPEND_SIZE = 1024 * 1024;
/** Bytes a record takes in the log besides its payload, so that positions are byte offsets with gaps, as on the real server. */
const RECORD_OVERHEAD = 89;
/** `created` is in 100 ns ticks since the Unix epoch. */
const TICKS_PER_MS = 10_000n;

/**
 * The transaction log of one EventStoreDB node, in memory. Appends follow the server's rules: revisions from 0,
 * positions strictly increasing, expected revision checked atomically, an append that repeats the ids already
 * written right after an exact expected revision is idempotent (the server's deterministic check). The server's
 * best-effort id cache for `any` is deliberately absent, its worst case.
 */
export class InMemoryLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  private nextPosition = 0;

  get length(): number {
    return this.all.length;
  }

  at(index: number): StoredEvent | undefined {
    return this.all[index];
  }

  /** Index in the global log of the first event at or after `position`. */
  indexAtOrAfter(position: number): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.all[mid]?.position ?? Infinity) < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  stream(name: string): readonly StoredEvent[] | undefined {
    return this.streams.get(name);
  }

  append(stream: string, expected: Expected, events: readonly ProposedEvent[]): AppendOutcome {
    const size = events.reduce((sum, event) => sum + event.sizeBytes, 0);
    if (size > MAX_APPEND_SIZE) return { kind: 'too-large', maxAppendSize: MAX_APPEND_SIZE };
    const existing = this.streams.get(stream) ?? [];
    const current = existing.length === 0 ? null : existing.length - 1;
    const expectedRevision =
      expected.kind === 'revision' ? expected.revision : expected.kind === 'no-stream' ? -1 : null;
    if (expectedRevision !== null && expectedRevision !== (current ?? -1)) {
      const repeated = existing.slice(expectedRevision + 1, expectedRevision + 1 + events.length);
      const isIdempotent =
        events.length > 0 && repeated.length === events.length && repeated.every((e, i) => e.id === events[i]?.id);
      return isIdempotent
        ? { kind: 'unchanged', revision: expectedRevision + events.length }
        : { kind: 'wrong-expected-version', current };
    }
    if (expected.kind === 'stream-exists' && current === null) return { kind: 'wrong-expected-version', current };
    if (events.length === 0) return { kind: 'unchanged', revision: current };
    const created = (BigInt(Date.now()) * TICKS_PER_MS).toString();
    for (const event of events) {
      const stored: StoredEvent = {
        stream,
        revision: existing.length,
        position: this.nextPosition,
        id: event.id,
        metadata: new Map([...event.metadata, ['created', created]]),
        customMetadata: event.customMetadata,
        data: event.data,
      };
      this.nextPosition += RECORD_OVERHEAD + event.sizeBytes;
      existing.push(stored);
      this.all.push(stored);
    }
    this.streams.set(stream, existing);
    for (const listener of this.listeners) listener();
    const last = this.all[this.all.length - 1] as StoredEvent;
    return { kind: 'written', revision: last.revision, position: last.position };
  }

  /** Calls `listener` after every append that wrote events; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
