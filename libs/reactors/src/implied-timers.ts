import type { PolicyLookup } from '@app/policy';
import type { OpenClocks } from '@app/projections';
import type { Timer } from '@app/scheduling';
import { timersOfTicket } from './ticket-timers';

/**
 * Every timer the open clocks imply now, worked out as they are read, the clocks due first first: the cost is that of
 * the clocks open, whatever the length of the log.
 */
export function* impliedTimers(clocks: OpenClocks, policies: PolicyLookup): IterableIterator<Timer> {
  for (const ticket of clocks.tickets()) yield* timersOfTicket(ticket, policies);
}
