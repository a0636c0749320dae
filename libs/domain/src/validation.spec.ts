import { InvalidCommand } from './domain-error';
import { checkLine, checkText } from './validation';

describe('checkText', () => {
  it.each([
    ['a plain name', 'Acme Corp'],
    ['a note on several lines, with a tab', 'First line\n\tindented second line'],
    ['accents and an emoji, surrogate pairs included', 'Société Générale 🚀'],
  ])('accepts %s', (_what, value) => expect(checkText('name', value)).toBeNull());

  it.each([
    ['only spaces', '   '],
    ['only zero-width characters', '\u200B\u200C\u200D\uFEFF'],
    ['a NUL byte', 'Acme\u0000Corp'],
    ['a carriage return', 'Acme\rCorp'],
    ['an escape sequence', '\u001B[31mred'],
    ['a C1 control', 'Acme\u0085Corp'],
    ['a lone high surrogate', 'Acme \uD83D'],
    ['a lone low surrogate', '\uDE80 Acme'],
    ['too many characters', 'x'.repeat(2001)],
  ])('refuses %s', (_what, value) => {
    expect(checkText('name', value)).toBeInstanceOf(InvalidCommand);
    expect(checkText('name', value)).toMatchObject({ field: 'name' });
  });
});

describe('checkLine, for names, subjects and categories', () => {
  it('accepts a one-line text', () => expect(checkLine('subject', 'Import fails on large files')).toBeNull());

  it.each([
    ['a newline', 'Import fails\non large files'],
    ['a tab', 'Import\tfails'],
    ['what checkText refuses', 'Acme\u0000Corp'],
  ])('refuses %s, naming the field', (_what, value) =>
    expect(checkLine('subject', value)).toMatchObject({ code: 'invalid-command', field: 'subject' }),
  );
});
