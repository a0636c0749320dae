import type { Channel } from '@app/policy';
import { mapZendeskEvent, type ZendeskMapping } from './zendesk-mapping';

/** What the import knows of a Zendesk user: whether staff wrote a comment, and the name the webhook would give. */
export interface ZendeskUser {
  readonly name?: string;
  readonly isStaff: boolean;
}

/** One ticket of the export: its id and what each of its events became, in occurrence order. */
export interface ExportedTicket {
  readonly ticketRef: string;
  readonly mappings: readonly ZendeskMapping[];
}

/** The mapped export: its tickets, and the ticket events that name no ticket. */
export interface MappedExport {
  readonly tickets: readonly ExportedTicket[];
  readonly unattached: readonly ZendeskMapping[];
}

/** A file that is not an export at all: nothing of it is imported. */
export class ExportUnreadable extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/**
 * The `via` of the export names the channel as Zendesk shows it (`Web form`), where the webhook sends its code
 * (`web`); a name not listed is taken as a code, so ZENDESK_CHANNEL_MAP can still name it.
 */
const VIA_NAMES: ReadonlyMap<string, string> = new Map([
  ['web form', 'web'],
  ['web widget', 'web'],
  ['mail', 'email'],
  ['email', 'email'],
  ['web service', 'api'],
  ['api', 'api'],
  ['voice', 'voice'],
  ['phone call (incoming)', 'voice'],
  ['phone call (outgoing)', 'voice'],
]);

const channelCodeOf = (via: unknown): string | undefined => {
  if (isRecord(via)) return typeof via.channel === 'string' ? via.channel : undefined;
  if (typeof via !== 'string' || via.trim() === '') return undefined;
  const name = via.trim().toLowerCase();
  return VIA_NAMES.get(name) ?? name;
};

const STAFF_ROLES = new Set(['agent', 'admin']);

/**
 * The users of a Zendesk users export (`GET /api/v2/incremental/users.json`: pages of `{ users }`, an array of pages
 * or of users, or JSONL), by id: staff are those of role `agent` or `admin`.
 */
export const zendeskUsersOf = (values: readonly unknown[]): Map<string, ZendeskUser> => {
  const users = new Map<string, ZendeskUser>();
  const add = (user: unknown): void => {
    if (!isRecord(user)) return;
    const id = idText(user.id);
    if (id === undefined || typeof user.role !== 'string') return;
    const name = typeof user.name === 'string' && user.name.trim() ? user.name : undefined;
    users.set(id, { ...(name === undefined ? {} : { name }), isStaff: STAFF_ROLES.has(user.role) });
  };
  for (const value of values) {
    if (isRecord(value) && Array.isArray(value.users)) value.users.forEach(add);
    else add(value);
  }
  return users;
};

/**
 * The ticket events of an export read as JSON values: pages `{ ticket_events: [...] }` (one, an array of them, or one
 * per JSONL line) or ticket events themselves (an array, or one per JSONL line). Users sideloaded in a page
 * (`users`) are returned too. Anything else is {@link ExportUnreadable}.
 */
export const zendeskTicketEventsOf = (values: readonly unknown[]): { events: unknown[]; users: unknown[] } => {
  const events: unknown[] = [];
  const users: unknown[] = [];
  for (const [index, value] of values.entries()) {
    if (isRecord(value) && Array.isArray(value.ticket_events)) {
      events.push(...value.ticket_events);
      if (Array.isArray(value.users)) users.push(...value.users);
    } else if (isRecord(value) && 'child_events' in value) {
      events.push(value);
    } else {
      throw new ExportUnreadable(
        `item ${index + 1} is neither a page of the ticket events export ({ ticket_events }) nor a ticket event`,
      );
    }
  }
  return { events, users };
};

/** The field a Create or Change child event sets: `field_name`/`value` (as in audits), or the field itself as key. */
const fieldsOf = (child: Record<string, unknown>): Map<string, unknown> => {
  if (typeof child.field_name === 'string') return new Map([[child.field_name, child.value]]);
  const skipped = new Set(['id', 'via', 'via_reference_id', 'event_type', 'type', 'previous_value', 'created_at']);
  return new Map(Object.entries(child).filter(([key]) => !skipped.has(key)));
};

const instantOf = (ticketEvent: Record<string, unknown>): string | undefined => {
  if (typeof ticketEvent.created_at === 'string') return ticketEvent.created_at;
  if (typeof ticketEvent.timestamp === 'number') return new Date(ticketEvent.timestamp * 1_000).toISOString();
  return undefined;
};

const sortKey = (ticketEvent: Record<string, unknown>): number => Date.parse(instantOf(ticketEvent) ?? '') || 0;

const eventTypeOf = (child: Record<string, unknown>): unknown => child.event_type ?? child.type;

/** What the import tracks of a ticket along its events. */
interface TicketFacts {
  requester: string | undefined;
}

/** The webhook events that say what one ticket event of the export says, as `mapZendeskEvent` reads them. */
const webhookEventsOf = (
  ticketEvent: Record<string, unknown>,
  ticketRef: string,
  facts: TicketFacts,
  users: ReadonlyMap<string, ZendeskUser>,
): Record<string, unknown>[] => {
  const auditId = idText(ticketEvent.id);
  const time = instantOf(ticketEvent);
  const children = (Array.isArray(ticketEvent.child_events) ? ticketEvent.child_events : []).filter(isRecord);
  const base = (id: string | undefined) => ({ id, time, detail: { id: ticketRef } });
  const created = children.filter((child) => eventTypeOf(child) === 'Create');
  const webhook: Record<string, unknown>[] = [];
  if (created.length > 0) {
    const fields = new Map(created.flatMap((child) => [...fieldsOf(child)]));
    facts.requester = idText(fields.get('requester_id')) ?? facts.requester;
    const via = created.map((child) => child.via).find((value) => value !== undefined) ?? ticketEvent.via;
    const channel = channelCodeOf(via);
    webhook.push({
      type: 'zen:event-type:ticket.created',
      id: auditId === undefined ? undefined : `export:${auditId}`,
      time,
      detail: {
        id: ticketRef,
        organization_id: fields.get('organization_id'),
        subject: fields.get('subject'),
        ...(channel === undefined ? {} : { via: { channel } }),
        created_at: time,
      },
    });
  }
  for (const child of children) {
    const childId = idText(child.id);
    const id = childId === undefined ? undefined : `export:${childId}`;
    const type = eventTypeOf(child);
    if (type === 'Comment') {
      const authorId = idText(child.author_id);
      const user = authorId === undefined ? undefined : users.get(authorId);
      // Without the author in a users export, staff is whoever is not the ticket's requester.
      const isStaff = user
        ? user.isStaff
        : authorId !== undefined && facts.requester !== undefined && authorId !== facts.requester;
      webhook.push({
        ...base(id),
        type: 'zen:event-type:ticket.comment_added',
        event: {
          comment: {
            id: childId,
            is_public: child.public === true,
            author: { id: authorId, is_staff: isStaff, ...(user?.name === undefined ? {} : { name: user.name }) },
            created_at: typeof child.created_at === 'string' ? child.created_at : time,
          },
        },
      });
    } else if (type === 'Change') {
      const fields = fieldsOf(child);
      if (fields.has('requester_id')) facts.requester = idText(fields.get('requester_id'));
      if (fields.has('status')) {
        webhook.push({
          ...base(id),
          type: 'zen:event-type:ticket.status_changed',
          event: { previous: child.previous_value, current: fields.get('status') },
        });
      } else if (fields.has('organization_id')) {
        webhook.push({ ...base(id), type: 'zen:event-type:ticket.organization_changed' });
      }
    }
  }
  return webhook;
};

/**
 * Maps the ticket events of Zendesk's incremental ticket event export (`include=comment_events`) onto the envelopes
 * the webhook produces: each creation, comment and status change is rewritten as the webhook event that reports it and
 * mapped by {@link mapZendeskEvent}, so both channels share one mapping. Source event ids are `export:<id>` of
 * Zendesk's event (the ticket event of the creation, the child event otherwise): stable across exports, so importing
 * again repeats the same ids. A ticket's events are read in occurrence order (`created_at`, else `timestamp`).
 */
export const mapZendeskExport = (
  ticketEvents: readonly unknown[],
  channels: ReadonlyMap<string, Channel>,
  users: ReadonlyMap<string, ZendeskUser> = new Map(),
): MappedExport => {
  const byTicket = new Map<string, Record<string, unknown>[]>();
  const unattached: ZendeskMapping[] = [];
  for (const ticketEvent of ticketEvents) {
    const ticketRef = isRecord(ticketEvent) ? idText(ticketEvent.ticket_id) : undefined;
    if (ticketRef === undefined || !isRecord(ticketEvent)) {
      unattached.push({ kind: 'invalid', field: 'ticket_id', reason: 'a ticket event must name its ticket' });
      continue;
    }
    const events = byTicket.get(ticketRef) ?? [];
    events.push(ticketEvent);
    byTicket.set(ticketRef, events);
  }
  const tickets = [...byTicket].map(([ticketRef, events]) => {
    const facts: TicketFacts = { requester: undefined };
    const ordered = [...events].sort((a, b) => sortKey(a) - sortKey(b));
    const mappings = ordered
      .flatMap((ticketEvent) => webhookEventsOf(ticketEvent, ticketRef, facts, users))
      .map((webhook) => mapZendeskEvent(webhook, channels));
    return { ticketRef, mappings };
  });
  return { tickets, unattached };
};
