import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { RememberedZone } from './remembered-zone';

const ZONES = ['America/Toronto', 'Australia/Lord_Howe', 'Pacific/Apia', 'Africa/Casablanca', 'America/Santiago'];
const instant = fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('RememberedZone', () => {
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
