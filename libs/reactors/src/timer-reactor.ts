import { TICKET_CATEGORY, type TicketState } from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import type { TimerScheduler } from '@app/scheduling';
import type { Reactor } from './reactor-follower';
import { evolveStoredTicket, foldTicket, timersOfTicket } from './ticket-timers';

/** Tickets whose last folded state is kept, so that following the log live reads no stream. */
const CACHED_TICKETS = 10_000;

/**
 * Keeps the scheduler in line with the log, one ticket event at a time: the timers the ticket's state implied before
 * the event and no longer implies are cancelled, those it implies now are scheduled. Replaying an event schedules and
 * cancels the same ids again, which changes nothing.
 */
export class TimerReactor implements Reactor {
  readonly name = 'timers';
  readonly filter = { streamPrefixes: [`${TICKET_CATEGORY}-`] };
  private readonly cache = new Map<string, { readonly revision: number; readonly state: TicketState }>();

  constructor(
    private readonly store: EventStore,
    private readonly scheduler: TimerScheduler,
    private readonly policies: PolicySource,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const policies = await this.policies.current();
    const before = await this.stateBefore(event);
    const after = evolveStoredTicket(before, event);
    const wanted = timersOfTicket(after, policies);
    const wantedIds = new Set(wanted.map((timer) => timer.id));
    const obsolete = timersOfTicket(before, policies).filter((timer) => !wantedIds.has(timer.id));
    for (const timer of obsolete) await this.scheduler.cancel(timer.id);
    await this.scheduler.scheduleMany(wanted);
    this.remember(event, after);
  }

  private async stateBefore(event: RecordedEvent): Promise<TicketState> {
    const cached = this.cache.get(event.stream);
    if (cached?.revision === event.revision - 1) return cached.state;
    const events: RecordedEvent[] = [];
    if (event.revision > 0) {
      for await (const earlier of this.store.readStream(event.stream, { maxCount: event.revision }))
        events.push(earlier);
    }
    return foldTicket(events);
  }

  private remember(event: RecordedEvent, state: TicketState): void {
    this.cache.delete(event.stream);
    this.cache.set(event.stream, { revision: event.revision, state });
    if (this.cache.size > CACHED_TICKETS) this.cache.delete(this.cache.keys().next().value as string);
  }
}
