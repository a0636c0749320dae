/**
 * The ids of the responses, billing entries and extensions recorded on a ticket, in the order they were recorded: a
 * retried command whose id is here adds nothing. Immutable: `including` returns a new value. Serialises as the array.
 */
export class RecordedIds implements Iterable<string> {
  // Copying the ids on every event made a fold quadratic. A fold extends only its newest value, so the values of one
  // fold share a map of id to position and each sees the ids below its own size; extending an older value copies.
  readonly #positions: Map<string, number>;

  private constructor(
    positions: Map<string, number>,
    readonly size: number,
  ) {
    this.#positions = positions;
  }

  static none(): RecordedIds {
    return new RecordedIds(new Map(), 0);
  }

  /** The value a serialised one ({@link toJSON}) stands for. */
  static of(ids: readonly string[]): RecordedIds {
    return ids.reduce((recorded, id) => recorded.including(id), RecordedIds.none());
  }

  has(id: string): boolean {
    return (this.#positions.get(id) ?? this.size) < this.size;
  }

  including(id: string): RecordedIds {
    if (this.has(id)) return this;
    const isNewest = this.#positions.size === this.size;
    const positions = isNewest ? this.#positions : new Map([...this].map((known, position) => [known, position]));
    positions.set(id, this.size);
    return new RecordedIds(positions, this.size + 1);
  }

  *[Symbol.iterator](): Iterator<string> {
    let remaining = this.size;
    for (const id of this.#positions.keys()) {
      if (remaining-- === 0) return;
      yield id;
    }
  }

  toJSON(): readonly string[] {
    return [...this];
  }
}
