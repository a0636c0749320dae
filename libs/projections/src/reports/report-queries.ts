import type { Instant } from '@app/clock';
import { suggestFlag } from '@app/domain';
import type { PolicyLookup } from '@app/policy';
import { type BreachLogItem, breachLogItemOf, type BreachLogRow } from '../queries/read-model-queries';
import type { ReadModelDb } from '../runner/read-model-db';
import { type ClockOutcome, clockOutcome, periodInstantOf, type ReportClock } from './clock-outcome';
import { localInstant, type Period, periodOf } from './periods';
import { REPORT_CLOCK_COLUMNS, reportClockOf, type ReportClockRow } from './reports.projection';

/** What a report covers: instants in `[from, to)`, cut into periods of the calendar's zone, and its filters. */
export interface ReportFilter {
  readonly from?: Instant | undefined;
  readonly to?: Instant | undefined;
  readonly period: Period;
  readonly plan?: string | undefined;
  readonly customerId?: string | undefined;
  /** Who gave the first response. */
  readonly agent?: string | undefined;
  readonly channel?: string | undefined;
}

interface Figures {
  /** `met + missed + open`. */
  readonly applicable: number;
  readonly met: number;
  /** Answered late, plus not answered and past the deadline. */
  readonly missed: number;
  /** Not answered and not yet due. */
  readonly open: number;
  /** `met / (met + missed)`; `null` when both are 0. */
  readonly rate: number | null;
  /** From receipt to first response, over the clocks answered (met or missed); `null` when none was. */
  readonly medianSupportMinutes: number | null;
  readonly p90SupportMinutes: number | null;
  readonly medianCalendarMinutes: number | null;
  readonly p90CalendarMinutes: number | null;
}

export interface ComplianceRow extends Figures {
  readonly plan: string;
  readonly period: string;
  readonly periodStart: Instant;
  readonly periodEnd: Instant;
  readonly periodStartLocal: string;
  readonly periodEndLocal: string;
  readonly zone: string;
}

export interface BreachRow extends Omit<BreachLogItem, 'recipients'> {
  readonly channel: string | null;
  readonly period: string;
  readonly deadlineLocal: string;
  readonly occurredAtLocal: string;
  readonly respondedBy: string | null;
  readonly zone: string;
}

export interface CustomerReportRow {
  readonly customerId: string;
  readonly name: string;
  /** Its ids in other systems, by source name. */
  readonly externalRefs: readonly { readonly source: string; readonly externalId: string }[];
  readonly plan: string;
  readonly licences: number;
  /** Tickets received in the range. */
  readonly tickets: number;
  readonly met: number;
  readonly missed: number;
  readonly open: number;
  /** Over the policy's usage window (30 days in the first version) before the end of the range. */
  readonly ticketsPerLicence: number;
  readonly usageWindowDays: number;
  /** Professional services billed in the range, per currency. */
  readonly billed: readonly { readonly currency: string; readonly hours: number; readonly amount: number }[];
}

export interface AgentReportRow {
  readonly agent: string;
  /** Every response the agent gave in the range, first or not. */
  readonly responses: number;
  /** Clocks the agent gave the first response to, placed in the range by the period rule. */
  readonly met: number;
  readonly missed: number;
  readonly medianSupportMinutes: number | null;
  readonly medianCalendarMinutes: number | null;
}

/** `p` in [0, 1] over sorted values, nearest rank; `null` for none. */
const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length ? (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number) : null;

const MINUTE_MS = 60_000;

interface PlacedClock {
  readonly clock: ReportClock;
  readonly outcome: Exclude<ClockOutcome, 'not-applicable'>;
  readonly placedAt: Instant;
}

const isInRange = (instant: Instant, { from, to }: ReportFilter): boolean =>
  (!from || Date.parse(instant) >= Date.parse(from)) && (!to || Date.parse(instant) < Date.parse(to));

const sortedBy = (clocks: readonly PlacedClock[], minutes: (clock: ReportClock) => number): number[] =>
  clocks
    .filter(({ clock }) => clock.respondedAt !== null)
    .map(({ clock }) => minutes(clock))
    .sort((a, b) => a - b);

const supportMinutes = (clock: ReportClock): number => clock.supportMinutes ?? 0;
const calendarMinutes = (clock: ReportClock): number =>
  (Date.parse(clock.respondedAt ?? clock.receivedAt) - Date.parse(clock.receivedAt)) / MINUTE_MS;

const figuresOf = (clocks: readonly PlacedClock[]): Figures => {
  const count = (outcome: ClockOutcome): number => clocks.filter((placed) => placed.outcome === outcome).length;
  const [met, missed, open] = [count('met'), count('missed'), count('open')];
  const support = sortedBy(clocks, supportMinutes);
  const calendar = sortedBy(clocks, calendarMinutes);
  return {
    applicable: met + missed + open,
    met,
    missed,
    open,
    rate: met + missed ? met / (met + missed) : null,
    medianSupportMinutes: percentile(support, 0.5),
    p90SupportMinutes: percentile(support, 0.9),
    medianCalendarMinutes: percentile(calendar, 0.5),
    p90CalendarMinutes: percentile(calendar, 0.9),
  };
};

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
};

/** The reports a support lead takes to a meeting, from the read models; what depends on `now` is computed here. */
export class ReportQueries {
  constructor(
    private readonly db: ReadModelDb,
    private readonly policies: PolicyLookup,
  ) {}

  /** The zone periods are cut in: that of the calendar in force at the end of the range (or now). */
  zoneAt(instant: Instant): string {
    return this.policies.inForceAt(instant)?.calendar.timeZone ?? 'UTC';
  }

  compliance(filter: ReportFilter, now: Instant): ComplianceRow[] {
    const zone = this.zoneAt(filter.to ?? now);
    const placed = this.placedClocks(filter, now).map((entry) => ({
      ...entry,
      span: periodOf(entry.placedAt, filter.period, zone),
    }));
    const groups = groupBy(placed, ({ clock, span }) => `${clock.plan}\u0000${span.label}`);
    return [...groups.values()]
      .map((group) => {
        const [{ clock, span }] = group as [(typeof placed)[number]];
        return {
          plan: clock.plan,
          period: span.label,
          periodStart: span.start,
          periodStartLocal: localInstant(span.start, zone),
          periodEnd: span.end,
          periodEndLocal: localInstant(span.end, zone),
          zone,
          ...figuresOf(group),
        };
      })
      .sort((a, b) => a.plan.localeCompare(b.plan) || a.periodStart.localeCompare(b.periodStart));
  }

  breaches(filter: ReportFilter, now: Instant): BreachRow[] {
    const zone = this.zoneAt(filter.to ?? now);
    const where = [
      ...(filter.from ? ['b.occurred_at >= @from'] : []),
      ...(filter.to ? ['b.occurred_at < @to'] : []),
      'b.retracted_at IS NULL',
      ...(filter.plan ? ['b.plan = @plan'] : []),
      ...(filter.customerId ? ['b.customer_id = @customerId'] : []),
      ...(filter.channel ? ['r.channel = @channel'] : []),
      ...(filter.agent ? ['r.responded_by = @agent'] : []),
    ];
    const rows = this.db
      .prepare(
        `SELECT b.*, c.name AS customer_name, r.channel, r.responded_by FROM breach_log b
         LEFT JOIN breach_log_customers c USING (customer_id) LEFT JOIN report_clocks r USING (ticket_id)
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY b.occurred_at, b.position`,
      )
      .all(filter) as BreachJoinRow[];
    return rows.map((row) => {
      const { recipients: _recipients, ...item } = breachLogItemOf(row);
      return {
        ...item,
        channel: row.channel,
        period: periodOf(row.occurred_at, filter.period, zone).label,
        deadlineLocal: localInstant(row.deadline, zone),
        occurredAtLocal: localInstant(row.occurred_at, zone),
        respondedBy: row.responded_by,
        zone,
      };
    });
  }

  customers(filter: ReportFilter, now: Instant): CustomerReportRow[] {
    const end = filter.to ?? now;
    const byCustomer = groupBy(this.placedClocks(filter, now), ({ clock }) => clock.customerId);
    const customers = this.db
      .prepare(
        `SELECT customer_id, name, plan, licences, policy_version, external_refs FROM customers
         ${filter.customerId ? 'WHERE customer_id = @customerId' : ''} ORDER BY name, customer_id`,
      )
      .all(filter) as {
      customer_id: string;
      name: string;
      plan: string;
      licences: number;
      policy_version: string;
      external_refs: string;
    }[];
    const receivedAt = this.db.prepare<[string], { received_at: string }>(
      'SELECT received_at FROM ticket_directory WHERE customer_id = ?',
    );
    const billed = this.db.prepare<[string], { currency: string; hours: number; amount: number; billed_at: string }>(
      'SELECT currency, hours, amount, billed_at FROM report_billing WHERE customer_id = ? ORDER BY currency',
    );
    return customers
      .filter((customer) => !filter.plan || customer.plan === filter.plan)
      .map((customer) => {
        const placed = byCustomer.get(customer.customer_id) ?? [];
        const { met, missed, open } = figuresOf(placed);
        const received = receivedAt.all(customer.customer_id).map((row) => row.received_at);
        const policy = this.policies.byVersion(customer.policy_version);
        const usage =
          policy && suggestFlag({ licences: customer.licences, ticketsReceivedAt: received, now: end }, policy);
        const entries = billed.all(customer.customer_id).filter((entry) => isInRange(entry.billed_at, filter));
        const refs = JSON.parse(customer.external_refs) as Record<string, string>;
        return {
          customerId: customer.customer_id,
          name: customer.name,
          externalRefs: Object.entries(refs)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([source, externalId]) => ({ source, externalId })),
          plan: customer.plan,
          licences: customer.licences,
          tickets: received.filter((at) => isInRange(at, filter)).length,
          met,
          missed,
          open,
          ticketsPerLicence: usage?.ticketsPerLicence ?? 0,
          usageWindowDays: usage?.windowDays ?? 0,
          billed: [...groupBy(entries, (entry) => entry.currency)].map(([currency, group]) => ({
            currency,
            hours: group.reduce((sum, entry) => sum + entry.hours, 0),
            amount: group.reduce((sum, entry) => sum + entry.amount, 0),
          })),
        };
      });
  }

  agents(filter: ReportFilter, now: Instant): AgentReportRow[] {
    const byAgent = groupBy(
      this.placedClocks(filter, now).filter(({ clock }) => clock.respondedBy !== null),
      ({ clock }) => clock.respondedBy as string,
    );
    const responses = this.db
      .prepare(
        `SELECT s.responded_by, s.responded_at FROM report_responses s JOIN report_clocks r USING (ticket_id)
         ${this.clockWhere(filter, 's.responded_by')}`,
      )
      .all(filter) as { responded_by: string; responded_at: string }[];
    const answered = groupBy(
      responses.filter((response) => isInRange(response.responded_at, filter)),
      (response) => response.responded_by,
    );
    return [...new Set([...answered.keys(), ...byAgent.keys()])].sort().map((agent) => {
      const { met, missed, medianSupportMinutes, medianCalendarMinutes } = figuresOf(byAgent.get(agent) ?? []);
      return {
        agent,
        responses: answered.get(agent)?.length ?? 0,
        met,
        missed,
        medianSupportMinutes,
        medianCalendarMinutes,
      };
    });
  }

  /** The applicable clocks matching the filter, each with its outcome and the instant placing it in the range. */
  private placedClocks(filter: ReportFilter, now: Instant): PlacedClock[] {
    const rows = this.db
      .prepare(`SELECT ${REPORT_CLOCK_COLUMNS} FROM report_clocks r ${this.clockWhere(filter, 'r.responded_by')}`)
      .all(filter) as ReportClockRow[];
    return rows.flatMap((row): PlacedClock[] => {
      const clock = reportClockOf(row);
      const outcome = clockOutcome(clock, now);
      if (outcome === 'not-applicable') return [];
      const placedAt = periodInstantOf(clock, outcome);
      return placedAt && isInRange(placedAt, filter) ? [{ clock, outcome, placedAt }] : [];
    });
  }

  private clockWhere(filter: ReportFilter, agentColumn: string): string {
    const where = [
      ...(filter.plan ? ['r.plan = @plan'] : []),
      ...(filter.customerId ? ['r.customer_id = @customerId'] : []),
      ...(filter.channel ? ['r.channel = @channel'] : []),
      ...(filter.agent ? [`${agentColumn} = @agent`] : []),
    ];
    return where.length ? `WHERE ${where.join(' AND ')}` : '';
  }
}

interface BreachJoinRow extends BreachLogRow {
  readonly channel: string | null;
  readonly responded_by: string | null;
}
