import type { Decider } from '@app/kernel';
import type { DomainError } from '../domain-error';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * Given past events, when a command is decided, then these events (every field) or this refusal. `deciderOf` is the
 * decider as `handleCommand` runs it (`ticketDecider`), closed over the command and the context.
 */
export const specify =
  <S, E, C, X>(deciderOf: (command: C, context: X) => Decider<S, E, DomainError>, defaultContext: X) =>
  (given: readonly E[], context: X = defaultContext) => ({
    when: (command: C) => {
      const decider = deciderOf(command, context);
      const state = given.reduce(decider.evolve, decider.initialState);
      const result = decider.decide(state);
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
