import type { PolicyLookup } from '@app/policy';
import type { OpenClocks } from '@app/projections';
import type { Timer } from '@app/scheduling';
import { timersOfTicket } from './ticket-timers';

/** Every timer the open clocks imply now: the cost is that of the clocks open, whatever the length of the log. */
export const impliedTimers = (clocks: OpenClocks, policies: PolicyLookup): Timer[] => {
  const timers: Timer[] = [];
  for (const ticket of clocks.tickets()) timers.push(...timersOfTicket(ticket, policies));
  return timers;
};
