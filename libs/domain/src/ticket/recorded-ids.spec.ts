import { RecordedIds } from '@app/domain';

const ids = (...recorded: string[]): RecordedIds =>
  recorded.reduce((value, id) => value.including(id), RecordedIds.none());

describe('RecordedIds', () => {
  it('holds the ids it was given, in order, and nothing else', () => {
    const value = ids('r-1', 'bill-1');

    expect([...value]).toEqual(['r-1', 'bill-1']);
    expect(value.has('bill-1')).toBe(true);
    expect(value.has('r-2')).toBe(false);
  });

  it('adds nothing for an id already recorded', () => {
    const value = ids('r-1', 'r-2');

    expect(value.including('r-1')).toBe(value);
  });

  it('keeps every value as it was when an older one is extended again', () => {
    const older = ids('r-1');
    const newer = older.including('r-2');
    const other = older.including('r-3');

    expect([...older]).toEqual(['r-1']);
    expect([...newer]).toEqual(['r-1', 'r-2']);
    expect([...other]).toEqual(['r-1', 'r-3']);
    expect([older.has('r-2'), newer.has('r-3'), other.has('r-2')]).toEqual([false, false, false]);
    expect([...other.including('r-4')]).toEqual(['r-1', 'r-3', 'r-4']);
  });

  it('equals a value with the same ids, whatever was added to the ids it shares', () => {
    const shared = ids('r-1');
    shared.including('r-2');

    expect(shared).toEqual(ids('r-1'));
    expect(shared).not.toEqual(ids('r-2'));
  });

  it('serialises as the array of its ids', () => {
    const older = ids('r-1');
    older.including('r-2');

    expect(JSON.stringify({ recordedIds: older })).toBe('{"recordedIds":["r-1"]}');
  });
});
