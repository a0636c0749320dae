import { breachLogProjection } from './breach-log/breach-log.projection';
import { customersProjection } from './customers/customers.projection';
import { openClocksProjection } from './open-clocks/open-clocks.projection';
import { reportsProjection } from './reports/reports.projection';
import type { Projection } from './runner/projection';
import { ticketDirectoryProjection } from './ticket-directory/ticket-directory.projection';

/** Every read model the dashboards query; the ticket directory first, as the others look tickets up in it. */
export const READ_MODELS: readonly Projection[] = [
  ticketDirectoryProjection,
  reportsProjection,
  customersProjection,
  breachLogProjection,
  openClocksProjection,
];

/** What a worker keeps of the log: the open clocks its timers and the customer-standing fan-out start from. */
export const WORKER_READ_MODELS: readonly Projection[] = [openClocksProjection];
