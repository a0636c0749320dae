import { ConcurrencyConflict, DuplicateEventId } from '../port/event-store.errors';
import type { AppendResult, ExpectedRevision } from '../port/event-store.port';

/** Where an event id of the batch is already stored, if it is. */
export interface StoredId {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

export type AppendPlan =
  | { readonly kind: 'repeat'; readonly result: AppendResult }
  | { readonly kind: 'write'; readonly firstRevision: number };

const isRepeat = (stream: string, stored: readonly (StoredId | undefined)[]): stored is readonly StoredId[] =>
  stored.every(
    (found, i) =>
      found !== undefined &&
      found.stream === stream &&
      (i === 0 || found.revision === (stored[i - 1] as StoredId).revision + 1),
  );

export const meetsExpectation = (expected: ExpectedRevision, current: number | null): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return current === null;
    case 'stream-exists':
      return current !== null;
    default:
      return current === expected;
  }
};

/**
 * The port's append rules, shared by the adapters: a batch whose ids are all stored in this stream, in order, is a
 * repeat that reports the original result; any other stored id is a duplicate; then the expectation is checked.
 */
export const planAppend = (
  stream: string,
  ids: readonly string[],
  stored: readonly (StoredId | undefined)[],
  expected: ExpectedRevision,
  current: number | null,
): AppendPlan => {
  if (stored.some((found) => found !== undefined)) {
    if (isRepeat(stream, stored)) {
      const last = stored[stored.length - 1] as StoredId;
      return { kind: 'repeat', result: { nextExpectedRevision: last.revision, position: last.position } };
    }
    const index = stored.findIndex((found) => found !== undefined);
    throw new DuplicateEventId(ids[index] as string, stream, (stored[index] as StoredId).stream);
  }
  if (!meetsExpectation(expected, current)) throw new ConcurrencyConflict(stream, expected, current);
  return { kind: 'write', firstRevision: (current ?? -1) + 1 };
};
