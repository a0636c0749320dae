import { InvalidCommand } from './domain-error';

const MAX_TEXT_LENGTH = 2000;

// Control characters other than tab and newline (allowed in notes and reasons, refused by `checkLine`): NUL, escapes, carriage returns and the C1 range.
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// A surrogate half without its pair is no character at all (u flag: paired halves read as one code point).
const LONE_SURROGATE = /\p{Surrogate}/u;
// Blank to a reader: white space and the invisible format characters (zero-width space, joiners, BOM, soft hyphen).
const BLANK = /^[\s\u00AD\u180E\u200B-\u200D\u2060\uFEFF]*$/u;

export const checkText = (field: string, value: unknown, max = MAX_TEXT_LENGTH): InvalidCommand | null => {
  if (typeof value !== 'string' || BLANK.test(value)) return new InvalidCommand(field, 'must be a non-empty text');
  if (value.length > max) return new InvalidCommand(field, `must be at most ${max} characters`);
  if (CONTROL_CHARACTER.test(value)) {
    return new InvalidCommand(field, 'must hold no control character other than tab and newline');
  }
  if (LONE_SURROGATE.test(value)) return new InvalidCommand(field, 'must be valid Unicode text');
  return null;
};

export const checkOptionalText = (field: string, value: unknown): InvalidCommand | null =>
  value === undefined ? null : checkText(field, value);

const LINE_BREAK_OR_TAB = /[\t\n]/;

/** A one-line text (a name, a subject, a category): like {@link checkText}, and without tab or newline. */
export const checkLine = (field: string, value: unknown, max = MAX_TEXT_LENGTH): InvalidCommand | null =>
  checkText(field, value, max) ??
  (LINE_BREAK_OR_TAB.test(value as string)
    ? new InvalidCommand(field, 'must be one line, without tab or newline')
    : null);

export const checkOptionalLine = (field: string, value: unknown): InvalidCommand | null =>
  value === undefined ? null : checkLine(field, value);

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

/** A source's name: lower-case letters, digits, `-` and `_`, starting with a letter. */
export const EXTERNAL_SOURCE = /^[a-z][a-z0-9_-]{0,39}$/;
/** An id in another system: visible characters, no space, at most 200. */
export const EXTERNAL_ID = /^[\x21-\x7e]{1,200}$/;

export const checkExternalSource = (field: string, value: unknown): InvalidCommand | null =>
  typeof value === 'string' && EXTERNAL_SOURCE.test(value)
    ? null
    : new InvalidCommand(field, 'must be 1 to 40 lower-case letters, digits, - or _, starting with a letter');

export const checkExternalId = (field: string, value: unknown): InvalidCommand | null =>
  typeof value === 'string' && EXTERNAL_ID.test(value)
    ? null
    : new InvalidCommand(field, 'must be 1 to 200 visible ASCII characters without spaces');

export const checkExternalRef = (field: string, value: unknown): InvalidCommand | null =>
  isRecord(value)
    ? firstProblem(
        checkExternalSource(`${field}.source`, value.source),
        checkExternalId(`${field}.externalId`, value.externalId),
      )
    : new InvalidCommand(field, 'must be { source, externalId }');
