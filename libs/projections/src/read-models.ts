import { breachLogProjection } from './breach-log/breach-log.projection';
import { complianceProjection } from './compliance/compliance.projection';
import { customersProjection } from './customers/customers.projection';
import { openQueueProjection } from './open-queue/open-queue.projection';
import type { Projection } from './runner/projection';

/** Every read model the dashboards query. */
export const READ_MODELS: readonly Projection[] = [
  openQueueProjection,
  complianceProjection,
  customersProjection,
  breachLogProjection,
];
