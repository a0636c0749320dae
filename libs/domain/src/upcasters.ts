import type { Instant } from '@app/clock';

/**
 * Maps the `data` of one event type stored at schema version `fromVersion` to the shape of `fromVersion + 1`. Pure.
 * STYLE §3: an event's shape changes only with an upcaster, and each has a spec from a raw JSON fixture of the old
 * shape.
 */
export interface EventUpcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown, metadata: { readonly recordedAt: Instant }): unknown;
}

/**
 * Every upcaster of the engine's events, given to the event store where it is opened. None yet: every event type is
 * at schema version 1.
 */
export const UPCASTERS: readonly EventUpcaster[] = [];
