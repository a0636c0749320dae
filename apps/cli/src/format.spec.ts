import { formatDuration, formatElapsed, formatMinutes, formatRate } from './format';

describe('numbers for people in the CLI', () => {
  it.each([
    [90.2740333333333, '90.3'],
    [130, '130'],
    [0.04, '0'],
  ])('minutes %p read %s', (minutes, shown) => expect(formatMinutes(minutes)).toBe(shown));

  it.each([
    [90, '1h 30m'],
    [45, '45m'],
    [0.4, '0m'],
    [1260, '21h 0m'],
    [1890, '1d 7h 30m'],
    [-240, '-4h 0m'],
  ])('a duration of %p minutes reads %s', (minutes, shown) => expect(formatDuration(minutes)).toBe(shown));

  it.each([
    [3.2, '3 ms'],
    [12_400, '12.4 s'],
    [125_000, '2m 05s'],
  ])('an elapsed %p ms reads %s', (ms, shown) => expect(formatElapsed(ms)).toBe(shown));

  it('gives a rate as a percentage, and a dash when nothing was measured', () => {
    expect(formatRate(2 / 3)).toBe('66.7 %');
    expect(formatRate(null)).toBe('—');
  });
});
