import fc from 'fast-check';
import { parseChannelMap } from '@app/config';
import type { Channel } from '@app/policy';
import page from '../../../../../test/api/fixtures/zendesk/ticket-events-export.json';
import {
  exportPages,
  generateHistory,
  ticketEventsOf,
  webhookEventsOf,
} from '../../../../../test/support/zendesk-export';
import {
  ExportUnreadable,
  type MappedExport,
  mapZendeskExport,
  zendeskTicketEventsOf,
  zendeskUsersOf,
  type ZendeskUser,
} from './zendesk-export';
import { mapZendeskEvent, type ZendeskMapping } from './zendesk-mapping';

const CHANNELS = parseChannelMap('email=email,web=forum,voice=phone,api=email') as ReadonlyMap<string, Channel>;

const envelopesOf = (mappings: readonly ZendeskMapping[]) =>
  mappings.flatMap((mapping) => (mapping.kind === 'envelope' ? [mapping.envelope] : []));

const mapped = (events: readonly unknown[], users?: ReadonlyMap<string, ZendeskUser>): MappedExport =>
  mapZendeskExport(events, CHANNELS, users);

/** The documented example page: a metric event, the creation, a staff comment with a change, the solve. */
const { events: EXAMPLE } = zendeskTicketEventsOf([page]);

describe('A Zendesk ticket events export, given the documented example page', () => {
  it('when read, lists its ticket events and no users', () => {
    expect(zendeskTicketEventsOf([page]).events).toHaveLength(4);
    expect(zendeskTicketEventsOf([page, page]).events).toHaveLength(8);
    expect(zendeskTicketEventsOf([page]).users).toEqual([]);
  });

  it('when mapped, gives the envelopes the webhook gives, under export ids, in occurrence order', () => {
    const { tickets, unattached } = mapped(EXAMPLE);
    expect(unattached).toEqual([]);
    expect(tickets.map(({ ticketRef }) => ticketRef)).toEqual(['155']);
    expect(envelopesOf(tickets[0]?.mappings ?? [])).toEqual([
      {
        source: 'zendesk',
        sourceEventId: 'export:91048994460',
        ticketRef: '155',
        type: 'ticket.received',
        occurredAt: '2009-06-25T09:15:18Z',
        customerRef: '10002',
        data: { subject: 'Printer on fire', channel: 'forum' },
      },
      {
        source: 'zendesk',
        sourceEventId: 'export:91048994465',
        ticketRef: '155',
        type: 'customer.replied',
        occurredAt: '2009-06-25T09:15:18Z',
        data: { by: '5031726500' },
      },
      {
        source: 'zendesk',
        sourceEventId: 'export:91048994488',
        ticketRef: '155',
        type: 'agent.replied',
        occurredAt: '2009-06-25T10:15:18Z',
        data: { by: '5031726587' },
      },
      {
        source: 'zendesk',
        sourceEventId: 'export:91048994471',
        ticketRef: '155',
        type: 'ticket.solved',
        occurredAt: '2009-06-25T13:35:18Z',
        data: {},
      },
    ]);
    expect(tickets[0]?.mappings.filter((mapping) => mapping.kind === 'ignored')).toEqual([
      { kind: 'ignored', reason: 'status-not-used' },
    ]);
  });

  it('when the users export names the authors, takes staff and names from it', () => {
    const users = zendeskUsersOf([
      { users: [{ id: 5031726587, name: 'Agent Smith', role: 'agent' }] },
      { id: 5031726500, name: 'Pat Requester', role: 'end-user' },
    ]);
    const replies = envelopesOf(mapped(EXAMPLE, users).tickets[0]?.mappings ?? []).filter((envelope) =>
      String(envelope.type).endsWith('.replied'),
    );
    expect(replies.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'customer.replied', data: { by: 'Pat Requester' } },
      { type: 'agent.replied', data: { by: 'Agent Smith' } },
    ]);
  });

  it('when the users export says the author of a comment is an end user, it is no agent reply', () => {
    const users = zendeskUsersOf([{ id: 5031726587, name: 'A colleague of the requester', role: 'end-user' }]);
    const types = envelopesOf(mapped(EXAMPLE, users).tickets[0]?.mappings ?? []).map(({ type }) => type);
    expect(types).not.toContain('agent.replied');
  });

  it('when its events come in another order, maps them the same', () => {
    expect(mapped([...EXAMPLE].reverse())).toEqual(mapped(EXAMPLE));
  });
});

describe('A Zendesk ticket event, given odd content', () => {
  const creation = EXAMPLE[1] as Record<string, unknown>;

  it('when it names no ticket, is invalid and not attached to any', () =>
    expect(mapped([{ ...creation, ticket_id: undefined }])).toEqual({
      tickets: [],
      unattached: [{ kind: 'invalid', field: 'ticket_id', reason: 'a ticket event must name its ticket' }],
    }));

  it('when its channel is not in ZENDESK_CHANNEL_MAP, is invalid naming the field, as from the webhook', () => {
    const chat = {
      ...creation,
      via: 'Chat',
      child_events: (creation.child_events as object[]).map((child) => ({ ...child, via: 'Chat' })),
    };
    expect(mapped([chat]).tickets[0]?.mappings[0]).toEqual({
      kind: 'invalid',
      field: 'detail.via.channel',
      reason: 'chat is not in ZENDESK_CHANNEL_MAP',
    });
  });

  it('when the ticket has no organization, gives a received envelope without customerRef', () => {
    const children = (creation.child_events as Record<string, unknown>[]).map((child) =>
      'organization_id' in child ? { ...child, organization_id: null } : child,
    );
    const [received] = envelopesOf(mapped([{ ...creation, child_events: children }]).tickets[0]?.mappings ?? []);
    expect(received).not.toHaveProperty('customerRef');
  });

  it('when a comment is private, ignores it as the webhook does', () => {
    const children = (creation.child_events as Record<string, unknown>[]).map((child) =>
      child.event_type === 'Comment' ? { ...child, public: false } : child,
    );
    expect(mapped([{ ...creation, child_events: children }]).tickets[0]?.mappings).toContainEqual({
      kind: 'ignored',
      reason: 'private-comment',
    });
  });

  it('when an organization changes later, ignores it: the customer is fixed at receipt', () => {
    const change = {
      ...creation,
      id: 1,
      created_at: '2009-06-26T00:00:00Z',
      child_events: [{ id: 2, organization_id: 7, previous_value: 10002, event_type: 'Change' }],
    };
    expect(mapped([creation, change]).tickets[0]?.mappings.at(-1)).toEqual({
      kind: 'ignored',
      reason: 'organization-change-not-used',
    });
  });

  it('when a file holds something else, is unreadable', () =>
    expect(() => zendeskTicketEventsOf([{ tickets: [] }])).toThrow(ExportUnreadable));
});

describe('A generated history, as exported and as delivered live', () => {
  const withoutIds = (envelopes: readonly Record<string, unknown>[]) =>
    envelopes.map(({ sourceEventId: _id, data: _data, occurredAt, ...rest }) => ({
      ...rest,
      second: Math.floor(Date.parse(String(occurredAt)) / 1000),
    }));

  it('gives the same facts either way: same types, tickets, customers and seconds, only the ids and names differ', () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), (seed) => {
        const history = generateHistory({ tickets: 5, seed });
        for (const ticket of history.tickets) {
          const exported = envelopesOf(mapped(ticketEventsOf(ticket)).tickets[0]?.mappings ?? []);
          const delivered = envelopesOf(webhookEventsOf(ticket).map((event) => mapZendeskEvent(event, CHANNELS)));
          expect(withoutIds(exported)).toEqual(withoutIds(delivered));
        }
      }),
      { numRuns: 25 },
    ));

  it('reads the same from pages as from the ticket events themselves', () => {
    const history = generateHistory({ tickets: 12 });
    const fromPages = zendeskTicketEventsOf(exportPages(history, 10)).events;
    expect(mapped(fromPages)).toEqual(mapped(history.tickets.flatMap(ticketEventsOf)));
  });
});
