import type { Instant } from '@app/clock';
import {
  emptyShadow,
  evolveShadow,
  EXTERNAL_SLA_EVENT_TYPES,
  type ExternalSlaEvent,
  type ExternalSlaShadow,
  externalSlaView,
  SHADOW_PREFIX,
  type TicketOpened,
  ticketStream,
} from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import type { PolicyLookup } from '@app/policy';
import { replayTicket } from '../audit/ticket-audit';
import { compareShadow, engineSlaView, type ShadowRow, type ShadowSummary, summariseShadow } from './shadow-comparison';

export interface ShadowReport {
  readonly source: string;
  readonly summary: ShadowSummary;
  readonly items: readonly ShadowRow[];
}

const byRef = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The shadow comparison of one source, read from the log at `now`: every ticket the source's SLA reported on (the
 * streams `shadow-<source>:<ticketRef>`) and every ticket the engine opened from that source, each folded from its
 * streams. `ticketIdOf` gives the engine's id of a source's ticket. Its cost follows the source's tickets.
 */
export const shadowReport = async (
  store: EventStore,
  policies: PolicyLookup,
  source: string,
  ticketIdOf: (ticketRef: string) => string,
  now: Instant,
  filter: { readonly differs?: boolean | undefined } = {},
): Promise<ShadowReport> => {
  const shadows = new Map<string, ExternalSlaShadow>();
  for await (const event of store.readAll({
    filter: { streamPrefixes: [`${SHADOW_PREFIX}${source}:`], eventTypes: [...EXTERNAL_SLA_EVENT_TYPES] },
  })) {
    const recorded = event as unknown as ExternalSlaEvent;
    const ref = recorded.data.ticketRef;
    shadows.set(ref, evolveShadow(shadows.get(ref) ?? emptyShadow, recorded));
  }
  const engineRefs = new Set<string>();
  for await (const event of store.readAll({ filter: { eventTypes: ['TicketOpened'] } })) {
    const ref = (event as unknown as TicketOpened).data.externalRef;
    if (ref?.source === source) engineRefs.add(ref.externalId);
  }
  const refs = [...new Set([...shadows.keys(), ...engineRefs])].sort(byRef);
  const rows: ShadowRow[] = [];
  for (const ref of refs) {
    const ticketId = ticketIdOf(ref);
    const events: RecordedEvent[] = [];
    if (engineRefs.has(ref)) for await (const event of store.readStream(ticketStream(ticketId))) events.push(event);
    const engine = events.length ? engineSlaView(replayTicket(ticketId, events, undefined, policies), now) : null;
    const shadow = shadows.get(ref);
    const zendesk = shadow ? externalSlaView(shadow.metrics, now) : null;
    rows.push(compareShadow(ref, ticketId, engine, zendesk, policies));
  }
  return {
    source,
    summary: summariseShadow(rows),
    items: filter.differs === undefined ? rows : rows.filter((row) => row.differs === filter.differs),
  };
};
