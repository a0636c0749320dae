import { breachLogProjection } from './breach-log/breach-log.projection';
import { customersProjection } from './customers/customers.projection';
import { openQueueProjection } from './open-queue/open-queue.projection';
import { reportsProjection } from './reports/reports.projection';
import type { Projection } from './runner/projection';
import { ticketDirectoryProjection } from './ticket-directory/ticket-directory.projection';

/** Every read model the dashboards query; the ticket directory first, as the others look tickets up in it. */
export const READ_MODELS: readonly Projection[] = [
  ticketDirectoryProjection,
  openQueueProjection,
  reportsProjection,
  customersProjection,
  breachLogProjection,
];
