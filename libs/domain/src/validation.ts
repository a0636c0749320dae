import { InvalidCommand } from './domain-error';

const MAX_TEXT_LENGTH = 2000;

export const checkText = (field: string, value: unknown, max = MAX_TEXT_LENGTH): InvalidCommand | null =>
  typeof value !== 'string' || value.trim().length === 0
    ? new InvalidCommand(field, 'must be a non-empty text')
    : value.length > max
      ? new InvalidCommand(field, `must be at most ${max} characters`)
      : null;

export const checkOptionalText = (field: string, value: unknown): InvalidCommand | null =>
  value === undefined ? null : checkText(field, value);

export const checkOneOf = <T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): InvalidCommand | null =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? null
    : new InvalidCommand(field, `must be one of ${allowed.join(', ')}`);

export const checkInstant = (field: string, value: unknown): InvalidCommand | null =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))
    ? null
    : new InvalidCommand(field, 'must be an ISO-8601 instant');

export const firstProblem = (...checks: readonly (InvalidCommand | null)[]): InvalidCommand | null =>
  checks.find((c) => c !== null) ?? null;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The shape every command must have before a decider looks at it: data with the stream's id, and metadata. */
export const checkEnvelope = (command: unknown, idField: string): InvalidCommand | null => {
  if (!isRecord(command) || !isRecord(command.data) || !isRecord(command.metadata)) {
    return new InvalidCommand('command', 'must have type, data and metadata');
  }
  const { metadata, data } = command;
  return firstProblem(
    checkText(idField, data[idField], 200),
    checkInstant('metadata.now', metadata.now),
    checkText('metadata.commandId', metadata.commandId, 200),
    isRecord(metadata.actor)
      ? firstProblem(
          checkText('metadata.actor.id', metadata.actor.id, 200),
          checkText('metadata.actor.role', metadata.actor.role, 50),
        )
      : new InvalidCommand('metadata.actor', 'is required'),
  );
};
