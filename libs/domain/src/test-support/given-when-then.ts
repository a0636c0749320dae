import type { DomainError } from '../domain-error';

interface PureDecider<S, E, C, X> {
  readonly initialState: S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S, context: X) => readonly E[] | DomainError;
}

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** Given past events, when a command is decided, then these events (every field) or this refusal. */
export const specify =
  <S, E, C, X>(decider: PureDecider<S, E, C, X>, defaultContext: X) =>
  (given: readonly E[], context: X = defaultContext) => ({
    when: (command: C) => {
      const state = given.reduce(decider.evolve, decider.initialState);
      const result = decider.decide(command, state, context);
      return {
        result,
        state,
        then: (expected: readonly E[]): void => {
          expect(result).toEqual(expected);
        },
        thenRefused: (errorClass: ErrorClass, fields: Record<string, unknown> = {}): void => {
          expect(result).toBeInstanceOf(errorClass);
          expect(result).toMatchObject(fields);
        },
      };
    },
  });
