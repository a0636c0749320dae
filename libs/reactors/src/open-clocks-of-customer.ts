import type { OpenClocks, ProjectionRunner } from '@app/projections';
import type { OpenClocksOfCustomer } from './customer-standing-reactor';

/** A customer's open clocks from the read model that `runner` maintains, once it has applied a given event. */
export const openClocksOfCustomer = (
  runner: ProjectionRunner,
  clocks: OpenClocks,
  timeoutMs = 30_000,
): OpenClocksOfCustomer => ({
  reached: (position) => runner.waitFor(position, timeoutMs),
  ticketIdsOfCustomer: (customerId) => clocks.ticketIdsOfCustomer(customerId),
});
