import { parseChannelMap } from '@app/config';
import fc from 'fast-check';
import commentAdded from '../../../../../test/api/fixtures/zendesk/comment-added.json';
import organizationChanged from '../../../../../test/api/fixtures/zendesk/organization-changed.json';
import priorityChanged from '../../../../../test/api/fixtures/zendesk/priority-changed.json';
import statusChanged from '../../../../../test/api/fixtures/zendesk/status-changed.json';
import ticketCreated from '../../../../../test/api/fixtures/zendesk/ticket-created.json';
import { mapZendeskEvent, type ZendeskMapping } from './zendesk-mapping';

/** The default `ZENDESK_CHANNEL_MAP`. */
const CHANNELS = parseChannelMap('email=email,web=forum,voice=phone,api=email') as NonNullable<
  ReturnType<typeof parseChannelMap>
>;

const map = (payload: unknown): ZendeskMapping => mapZendeskEvent(payload, CHANNELS);

const envelopeOf = (mapping: ZendeskMapping): Record<string, unknown> => {
  if (mapping.kind !== 'envelope') throw new Error(`expected an envelope, got ${JSON.stringify(mapping)}`);
  return mapping.envelope;
};

const created = (detail: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  ...ticketCreated,
  ...top,
  detail: { ...ticketCreated.detail, ...detail },
});

const comment = (o: { isPublic?: unknown; isStaff?: unknown; author?: Record<string, unknown> } = {}) => ({
  ...commentAdded,
  event: {
    comment: {
      ...commentAdded.event.comment,
      is_public: 'isPublic' in o ? o.isPublic : true,
      author: { ...commentAdded.event.comment.author, is_staff: 'isStaff' in o ? o.isStaff : true, ...o.author },
    },
  },
});

const statusChange = (previous: string, current: string) => ({
  ...statusChanged,
  event: { ...statusChanged.event, previous, current },
});

describe('Zendesk mapping, given the documented ticket.created event', () => {
  it('when mapped, becomes ticket.received of its ticket, occurring at detail.created_at, with its organization as customer', () => {
    const event = created({ created_at: '2024-04-17T17:18:10Z' }, { time: '2024-04-17T17:18:11.5Z' });
    expect(map(event)).toEqual({
      kind: 'envelope',
      envelope: {
        source: 'zendesk',
        sourceEventId: '01HNXXXX-CTEXAMPLE',
        ticketRef: '35436',
        type: 'ticket.received',
        occurredAt: '2024-04-17T17:18:10Z',
        customerRef: '8447346622462',
        data: { subject: 'ticket_subject', channel: 'forum' },
      },
    });
  });

  it('when detail.created_at is absent, occurs at the event time', () => {
    const { created_at: _createdAt, ...detail } = ticketCreated.detail;
    const event = { ...ticketCreated, time: '2024-04-17T17:18:12Z', detail };
    expect(envelopeOf(map(event)).occurredAt).toBe('2024-04-17T17:18:12Z');
  });

  it.each([['0'], [0], [null], [undefined]])('when organization_id is %p, carries no customerRef', (organization) => {
    expect(envelopeOf(map(created({ organization_id: organization }))).customerRef).toBeUndefined();
  });

  it('when organization_id is a number, carries it as text', () => {
    expect(envelopeOf(map(created({ organization_id: 8447346622462 }))).customerRef).toBe('8447346622462');
  });

  it.each([[''], ['   '], [null], [42]])('when the subject is %p, is named after its ticket', (subject) => {
    expect(envelopeOf(map(created({ subject }))).data).toEqual({ subject: 'Zendesk ticket 35436', channel: 'forum' });
  });

  it.each([
    ['email', 'email'],
    ['web', 'forum'],
    ['voice', 'phone'],
    ['api', 'email'],
  ])('when via.channel is %s, takes the engine channel %s', (via, channel) => {
    expect(envelopeOf(map(created({ via: { channel: via } }))).data).toMatchObject({ channel });
  });

  it.each([[{ channel: 'twitter' }], [{}], [undefined], [{ channel: 7 }], [{ channel: { toString: 1 } }]])(
    'when via is %p, a channel the map does not hold, is invalid naming detail.via.channel',
    (via) => {
      const mapping = map(created({ via }));
      expect(mapping).toMatchObject({ kind: 'invalid', field: 'detail.via.channel' });
      expect(mapping.kind === 'invalid' && mapping.reason).toMatch(/is not in ZENDESK_CHANNEL_MAP$/);
    },
  );

  it('when the ticket id is a number, takes it as text', () => {
    expect(envelopeOf(map(created({ id: 35436 }))).ticketRef).toBe('35436');
  });
});

describe('Zendesk mapping, given the documented ticket.comment_added event', () => {
  it('when the comment is public and by staff, becomes agent.replied at the comment’s created_at, by its author', () => {
    expect(map(comment())).toEqual({
      kind: 'envelope',
      envelope: {
        source: 'zendesk',
        sourceEventId: 'cbe4028c-7239-495d-b020-f22348516046',
        ticketRef: '35436',
        type: 'agent.replied',
        occurredAt: '2025-01-08T10:12:07Z',
        data: { by: 'Agent Smith' },
      },
    });
  });

  it('when the comment is public and by an end user, becomes customer.replied', () => {
    expect(envelopeOf(map(comment({ isStaff: false })))).toMatchObject({ type: 'customer.replied' });
  });

  it.each([[false], ['true'], [null]])('when is_public is %p, is ignored as a private comment', (isPublic) => {
    expect(map(comment({ isPublic }))).toEqual({ kind: 'ignored', reason: 'private-comment' });
  });

  it('when the comment has no created_at, occurs at the event time', () => {
    const { created_at: _createdAt, ...rest } = commentAdded.event.comment;
    expect(envelopeOf(map({ ...commentAdded, event: { comment: rest } })).occurredAt).toBe(commentAdded.time);
  });

  it('when the author has no name, is by the author’s id; with neither, by no one', () => {
    expect(envelopeOf(map(comment({ author: { name: ' ' } }))).data).toEqual({ by: '8447388090494' });
    expect(envelopeOf(map(comment({ author: { name: undefined, id: undefined } }))).data).toEqual({});
  });

  it('when the event has no comment, is invalid naming event.comment', () => {
    expect(map({ ...commentAdded, event: {} })).toMatchObject({ kind: 'invalid', field: 'event.comment' });
  });
});

describe('Zendesk mapping, given the documented ticket.status_changed event', () => {
  it('when the status becomes solved, becomes ticket.solved at the event time', () => {
    expect(map(statusChanged)).toEqual({
      kind: 'envelope',
      envelope: {
        source: 'zendesk',
        sourceEventId: '6b8a2f4e-0c1d-4c57-9a53-2f1d4c0b7e31',
        ticketRef: '35436',
        type: 'ticket.solved',
        occurredAt: '2025-01-08T11:40:21.118204551Z',
        data: {},
      },
    });
  });

  it.each([
    ['SOLVED', 'OPEN'],
    ['solved', 'new'],
    ['CLOSED', 'PENDING'],
    ['SOLVED', 'HOLD'],
  ])('when the status goes from %s back to %s, becomes ticket.reopened at the event time', (previous, current) => {
    expect(envelopeOf(map(statusChange(previous, current)))).toMatchObject({
      type: 'ticket.reopened',
      occurredAt: statusChanged.time,
    });
  });

  it.each([
    ['NEW', 'OPEN'],
    ['OPEN', 'PENDING'],
    ['PENDING', 'HOLD'],
    ['SOLVED', 'CLOSED'],
    ['OPEN', 'DELETED'],
  ])('when the status goes from %s to %s, is ignored', (previous, current) => {
    expect(map(statusChange(previous, current))).toEqual({ kind: 'ignored', reason: 'status-not-used' });
  });
});

describe('Zendesk mapping, given other ticket events', () => {
  it('when the organization changes, is ignored: a ticket’s customer is fixed at its receipt', () => {
    expect(map(organizationChanged)).toEqual({ kind: 'ignored', reason: 'organization-change-not-used' });
  });

  it.each([[priorityChanged.type], ['zen:event-type:ticket.custom_status_changed'], [undefined]])(
    'when the type is %p, is ignored',
    (type) => {
      expect(map({ ...priorityChanged, type })).toEqual({ kind: 'ignored', reason: 'event-type-not-used' });
    },
  );
});

describe('Zendesk mapping, given a malformed event', () => {
  it.each([[null], [[]], ['ticket'], [42]])('when the body is %p, is invalid naming the body', (body) => {
    expect(map(body)).toMatchObject({ kind: 'invalid', field: 'body' });
  });

  it.each([[undefined], [''], [null], [{}]])('when the event id is %p, is invalid naming id', (id) => {
    expect(map({ ...ticketCreated, id })).toMatchObject({ kind: 'invalid', field: 'id' });
  });

  it.each([[undefined], [''], [null]])('when detail.id is %p, is invalid naming detail.id', (id) => {
    expect(map(created({ id }))).toMatchObject({ kind: 'invalid', field: 'detail.id' });
    expect(map({ ...ticketCreated, detail: undefined })).toMatchObject({ kind: 'invalid', field: 'detail.id' });
  });
});

const EVENT_TYPES = [
  ticketCreated.type,
  commentAdded.type,
  statusChanged.type,
  organizationChanged.type,
  priorityChanged.type,
];
const STATUSES = ['NEW', 'OPEN', 'PENDING', 'HOLD', 'SOLVED', 'CLOSED', 'solved', 'open'];
const anId = fc.oneof(fc.string({ minLength: 1 }), fc.nat());

/** Documented events with their fields, the ones the mapping reads, drawn at random. */
const aTicketEvent = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  id: anId,
  time: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  detail: fc
    .record({
      id: anId,
      organization_id: fc.oneof(anId, fc.constant('0'), fc.constant(null)),
      subject: fc.oneof(fc.string(), fc.constant(null)),
      via: fc.record({ channel: fc.oneof(fc.constantFrom(...CHANNELS.keys()), fc.string()) }),
    })
    .map((drawn) => ({ ...ticketCreated.detail, ...drawn })),
  event: fc.oneof(
    fc
      .record({
        is_public: fc.boolean(),
        author: fc.record({ id: anId, is_staff: fc.boolean(), name: fc.oneof(fc.string(), fc.constant(undefined)) }),
      })
      .map((drawn) => ({ comment: { ...commentAdded.event.comment, ...drawn } })),
    fc.record({ previous: fc.constantFrom(...STATUSES), current: fc.constantFrom(...STATUSES) }),
  ),
});

describe('Zendesk mapping, for any event', () => {
  it('gives every envelope the event id as sourceEventId and the ticket id as ticketRef, from source zendesk', () =>
    fc.assert(
      fc.property(aTicketEvent, (event) => {
        const mapping = map(event);
        if (mapping.kind !== 'envelope') return;
        expect(mapping.envelope).toMatchObject({
          source: 'zendesk',
          sourceEventId: String(event.id),
          ticketRef: String(event.detail.id),
        });
      }),
    ));

  it('gives a customerRef only to ticket.received, and never the organization 0', () =>
    fc.assert(
      fc.property(aTicketEvent, (event) => {
        const mapping = map(event);
        if (mapping.kind !== 'envelope') return;
        const { customerRef, type } = mapping.envelope;
        if (type !== 'ticket.received') expect(customerRef).toBeUndefined();
        else
          expect(customerRef).toBe(
            [0, '0', null].includes(event.detail.organization_id as string | number | null)
              ? undefined
              : String(event.detail.organization_id),
          );
      }),
    ));

  it('never throws, whatever JSON it is given, alone or in place of any field of a documented event', () =>
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom(ticketCreated, commentAdded, statusChanged),
        fc.constantFrom('type', 'id', 'time', 'detail', 'event'),
        fc.constantFrom('id', 'organization_id', 'subject', 'via', 'created_at'),
        (value, fixture, field, detailField) => {
          expect(() => map(value)).not.toThrow();
          expect(() => map({ ...fixture, [field]: value })).not.toThrow();
          expect(() => map({ ...fixture, detail: { ...fixture.detail, [detailField]: value } })).not.toThrow();
          expect(() => map({ ...fixture, detail: { ...fixture.detail, via: { channel: value } } })).not.toThrow();
        },
      ),
    ));
});
