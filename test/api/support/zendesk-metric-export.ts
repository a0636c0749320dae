import { DateTime } from 'luxon';

/**
 * A deterministic month of Zendesk tickets for a premium customer (240 support minutes to the first reply) and the
 * ticket metric events Zendesk's own SLA would export for them, with Zendesk's business-hour schedule modelled here
 * independently of the engine: Monday to Friday 07:30 to 18:00 in Toronto, without Quebec's Fête nationale
 * (Wednesday 24 June 2026), so the tickets whose deadline crosses it differ by a day. Tickets whose number is a
 * multiple of 23 get another Zendesk policy (480 minutes); multiples of 50 exist only in Zendesk, multiples of 37
 * only in the engine; multiples of 11 get no reply.
 */
export interface GeneratedTicket {
  readonly ticketRef: string;
  readonly receivedAt: string;
  readonly repliedAt: string | null;
  readonly isInEngine: boolean;
  readonly isInZendesk: boolean;
  readonly zendeskTargetMinutes: number;
  readonly zendeskDeadline: string;
  /** Zendesk's deadline is not the one the engine's calendar gives. */
  readonly isExpectedToDiffer: boolean;
  readonly isAcrossFeteNationale: boolean;
}

const ZONE = 'America/Toronto';
const OPENS = 7 * 60 + 30;
const CLOSES = 18 * 60;
const ENGINE_ALLOWANCE_MINUTES = 240;
/** Business days of June 2026 the tickets arrive on; not 24 June, a holiday only for the engine. */
const DAYS = ['15', '16', '17', '18', '19', '22', '23', '25', '26', '29'];

const isZendeskBusinessDay = (day: DateTime): boolean => day.weekday <= 5;

/** Zendesk's deadline: `minutes` of its schedule from `from`, a closing time staying a closing time. */
const addZendeskBusinessMinutes = (from: DateTime, minutes: number): DateTime => {
  let at = from.setZone(ZONE);
  let remaining = minutes;
  for (;;) {
    const minuteOfDay = at.hour * 60 + at.minute;
    if (isZendeskBusinessDay(at) && minuteOfDay < CLOSES) {
      const start = Math.max(minuteOfDay, OPENS);
      const used = Math.min(CLOSES - start, remaining);
      remaining -= used;
      if (remaining === 0) return at.startOf('day').plus({ minutes: start + used });
    }
    at = at.startOf('day').plus({ days: 1 });
  }
};

const iso = (at: DateTime): string => at.toUTC().toISO() ?? '';

export const generateTickets = (count: number): GeneratedTicket[] =>
  Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const day = DAYS[n % DAYS.length] as string;
    const received = DateTime.fromISO(`2026-06-${day}T08:00`, { zone: ZONE }).plus({ hours: n % 9 });
    const isOtherPolicy = n % 23 === 0;
    const zendeskTargetMinutes = isOtherPolicy ? 480 : ENGINE_ALLOWANCE_MINUTES;
    const zendeskDeadline = addZendeskBusinessMinutes(received, zendeskTargetMinutes);
    // The engine's deadline lies past 24 June while Zendesk's, with the same target, lies on it.
    const isAcrossFeteNationale =
      !isOtherPolicy && zendeskDeadline.toISODate() === '2026-06-24' && received.toISODate() === '2026-06-23';
    return {
      ticketRef: String(7000 + n),
      receivedAt: iso(received),
      repliedAt: n % 11 === 0 ? null : iso(received.plus({ minutes: (n * 37) % 420 })),
      isInEngine: n % 50 !== 0,
      isInZendesk: n % 37 !== 0,
      zendeskTargetMinutes,
      zendeskDeadline: iso(zendeskDeadline),
      isExpectedToDiffer: isOtherPolicy || isAcrossFeteNationale,
      isAcrossFeteNationale,
    };
  });

/**
 * The export Zendesk would give for the tickets it knows, as `GET /api/v2/incremental/ticket_metric_events.json`
 * pages it: reply_time activate, apply_sla, breach (at its deadline, recorded ahead) and fulfill with its
 * update_status, next-reply activations, and the other metrics' events, which the engine ignores.
 */
export const metricEventExport = (tickets: readonly GeneratedTicket[], pageSize = 250) => {
  let id = 360_000_000_000;
  const event = (ticket: GeneratedTicket, metric: string, instance: number, type: string, time: string, more = {}) => ({
    id: (id += 7),
    ticket_id: Number(ticket.ticketRef),
    metric,
    instance_id: instance,
    type,
    time: time.replace('.000Z', 'Z'),
    ...more,
  });
  const events = tickets
    .filter((ticket) => ticket.isInZendesk)
    .flatMap((ticket) => [
      event(ticket, 'agent_work_time', 1, 'activate', ticket.receivedAt),
      event(ticket, 'reply_time', 0, 'measure', ticket.receivedAt),
      event(ticket, 'reply_time', 1, 'activate', ticket.receivedAt),
      event(ticket, 'reply_time', 1, 'apply_sla', ticket.receivedAt, {
        sla: {
          target: ticket.zendeskTargetMinutes,
          business_hours: true,
          policy: {
            id: ticket.zendeskTargetMinutes === ENGINE_ALLOWANCE_MINUTES ? 25 : 26,
            title: ticket.zendeskTargetMinutes === ENGINE_ALLOWANCE_MINUTES ? 'Premium' : 'Premium, relaxed',
            description: 'First reply',
          },
        },
      }),
      event(ticket, 'reply_time', 1, 'breach', ticket.zendeskDeadline),
      ...(ticket.repliedAt
        ? [
            event(ticket, 'reply_time', 1, 'fulfill', ticket.repliedAt),
            event(ticket, 'reply_time', 1, 'update_status', ticket.repliedAt, { status: { calendar: 1, business: 1 } }),
            event(ticket, 'reply_time', 2, 'activate', ticket.repliedAt),
          ]
        : []),
    ]);
  const pages = [];
  for (let start = 0; start < events.length; start += pageSize) {
    const page = events.slice(start, start + pageSize);
    const isLast = start + pageSize >= events.length;
    pages.push({
      ticket_metric_events: page,
      next_page: `https://example.zendesk.com/api/v2/incremental/ticket_metric_events.json?start_time=${start}`,
      end_of_stream: isLast,
      count: page.length,
    });
  }
  return { events, pages };
};
