import type { Zone } from 'luxon';
import { DAY_MS, MINUTE_MS } from './civil-date';

/**
 * The instant at which a zone's wall clock shows `localMs` (a wall-clock time written as if it were UTC).
 * An ambiguous time (clocks set back) is its first occurrence; a time that does not exist (clocks set
 * forward) moves forward by the gap.
 */
export const instantOfWallTime = (zone: Zone, localMs: number): number => {
  const offsetBefore = zone.offset(localMs - DAY_MS);
  const offsetAfter = zone.offset(localMs + DAY_MS);
  const largerOffset = Math.max(offsetBefore, offsetAfter);
  const earlierCandidate = localMs - largerOffset * MINUTE_MS;
  if (zone.offset(earlierCandidate) === largerOffset) return earlierCandidate;
  return localMs - Math.min(offsetBefore, offsetAfter) * MINUTE_MS;
};
