import fc from 'fast-check';
import { DateTime, IANAZone, Zone } from 'luxon';
import { RememberedZone } from './remembered-zone';

const ZONES = ['America/Toronto', 'Australia/Lord_Howe', 'Pacific/Apia', 'Africa/Casablanca', 'America/Santiago'];
const instant = fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2100, 0, 1) });

const TWO_CHANGES_DAY = Date.UTC(2030, 5, 1);

/** A zone that moves +1 h at 10:00 UTC and again at 14:00 UTC on one day: no real zone does, the cache must not assume it. */
class TwoChangesADayZone extends Zone {
  override get type(): string {
    return 'two-changes-a-day';
  }

  override get name(): string {
    return 'Test/TwoChanges';
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): true {
    return true;
  }

  override offsetName(): string {
    return 'TWO';
  }

  override formatOffset(): string {
    return '';
  }

  override equals(other: Zone): boolean {
    return other === this;
  }

  override offset(ts: number): number {
    return (ts >= TWO_CHANGES_DAY + 10 * 3_600_000 ? 60 : 0) + (ts >= TWO_CHANGES_DAY + 14 * 3_600_000 ? 60 : 0);
  }
}

describe('RememberedZone', () => {
  it('given a day with two offset changes, then every offset of that day is still the zone offset', () => {
    const zone = new TwoChangesADayZone();
    const remembered = new RememberedZone(zone);
    const hours = Array.from({ length: 24 }, (_, hour) => TWO_CHANGES_DAY + hour * 3_600_000 + 1);

    expect(hours.map((ts) => remembered.offset(ts))).toEqual(hours.map((ts) => zone.offset(ts)));
  });

  it('given any instant, then its offset is the IANA zone offset, asked in any order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.array(instant, { minLength: 1, maxLength: 20 }), (name, instants) => {
        const zone = IANAZone.create(name);
        const remembered = new RememberedZone(zone);

        expect(instants.map((ts) => remembered.offset(ts))).toEqual(instants.map((ts) => zone.offset(ts)));
      }),
      { numRuns: 300 },
    );
  });

  it('given the milliseconds around a transition, then the offset changes exactly at the transition', () => {
    const zone = IANAZone.create('America/Toronto');
    const remembered = new RememberedZone(zone);
    const springForward = Date.UTC(2026, 2, 8, 7);

    expect([springForward - 1, springForward].map((ts) => remembered.offset(ts))).toEqual([-300, -240]);
  });

  it('given a DateTime built in it, then luxon treats it as the same IANA zone', () => {
    const remembered = new RememberedZone(IANAZone.create('America/Toronto'));
    const ts = Date.UTC(2026, 10, 1, 6, 30);

    const inRemembered = DateTime.fromMillis(ts, { zone: remembered });
    const inIana = DateTime.fromMillis(ts, { zone: 'America/Toronto' });

    expect(inRemembered.toISO()).toBe(inIana.toISO());
    expect(inRemembered.equals(inIana)).toBe(true);
    expect(inIana.equals(inRemembered)).toBe(true);
    expect(inRemembered.toFormat('ZZZZ')).toBe(inIana.toFormat('ZZZZ'));
    expect(inRemembered.plus({ hours: 1 }).toISO()).toBe(inIana.plus({ hours: 1 }).toISO());
  });
});
