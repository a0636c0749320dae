import commentAdded from '../api/fixtures/zendesk/comment-added.json';
import ticketCreated from '../api/fixtures/zendesk/ticket-created.json';

/**
 * A deterministic Zendesk history: organizations, staff and end users, tickets with public and private comments by
 * staff and by their requester, solves and reopenings. It gives the same facts three ways: as pages of the incremental
 * ticket events export (`include=comment_events`), as the users export, and as the webhook deliveries Zendesk would
 * have sent live. The shapes follow Zendesk's documented examples.
 */

export type Channel = 'web' | 'email' | 'voice';

export type GeneratedFact =
  | { readonly kind: 'comment'; readonly at: string; readonly by: 'staff' | 'requester'; readonly isPublic: boolean }
  | { readonly kind: 'status'; readonly at: string; readonly previous: string; readonly current: string };

export interface GeneratedTicket {
  readonly id: number;
  readonly organizationId: number;
  /** Whether a customer is meant to hold the organization (`externalRefs.zendesk`); the others are unknown. */
  readonly isKnownOrganization: boolean;
  readonly requesterId: number;
  readonly channel: Channel;
  readonly createdAt: string;
  readonly subject: string;
  /** After the creation, whose description is a public comment by the requester, in occurrence order. */
  readonly facts: readonly GeneratedFact[];
}

export interface GeneratedHistory {
  readonly tickets: readonly GeneratedTicket[];
  /** The organizations of {@link GeneratedTicket.isKnownOrganization} tickets. */
  readonly knownOrganizations: readonly number[];
  readonly staff: readonly { readonly id: number; readonly name: string }[];
}

export interface HistoryOptions {
  readonly tickets: number;
  readonly seed?: number;
  /** The creation of the first ticket; the others follow a few minutes apart. */
  readonly start?: string;
  readonly organizations?: number;
  /** Every n-th organization is held by no customer (0: none). */
  readonly unknownOrganizationEvery?: number;
  /** Comments of a ticket after its description, at most. */
  readonly maxComments?: number;
}

const STAFF = [
  { id: 8447388090494, name: 'Agent Smith' },
  { id: 8447388090495, name: 'Agent Jones' },
  { id: 8447388090496, name: 'Agent Brown' },
];
const CHANNELS: readonly Channel[] = ['web', 'email', 'voice'];
const VIA_NAMES: Readonly<Record<Channel, string>> = { web: 'Web form', email: 'Mail', voice: 'Voice' };

/** mulberry32: the same numbers for the same seed, on every machine. */
const randomFrom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const atSecond = (ms: number): string => new Date(Math.floor(ms / 1_000) * 1_000).toISOString().replace('.000', '');

export const generateHistory = ({
  tickets: count,
  seed = 7,
  start = '2025-03-03T13:00:00Z',
  organizations = 8,
  unknownOrganizationEvery = 4,
  maxComments = 6,
}: HistoryOptions): GeneratedHistory => {
  const random = randomFrom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const organizationIds = Array.from({ length: organizations }, (_, n) => 8447346622400 + n);
  const isKnown = (n: number): boolean => unknownOrganizationEvery === 0 || (n + 1) % unknownOrganizationEvery !== 0;
  const tickets = Array.from({ length: count }, (_, n): GeneratedTicket => {
    const organization = Math.floor(random() * organizations);
    const created = Date.parse(start) + n * 180_000 + Math.floor(random() * 60) * 1_000;
    let at = created;
    const later = (): string => atSecond((at += (5 + Math.floor(random() * 240)) * 60_000));
    const facts: GeneratedFact[] = [];
    let status = 'open';
    for (let c = Math.floor(random() * (maxComments + 1)); c > 0; c--) {
      const roll = random();
      const by = roll < 0.55 ? 'staff' : 'requester';
      facts.push({ kind: 'comment', at: later(), by, isPublic: by === 'requester' || roll < 0.4 });
      if (random() < 0.25) {
        const current = status === 'solved' ? 'open' : pick(['pending', 'solved', 'solved']);
        facts.push({ kind: 'status', at: later(), previous: status, current });
        status = current;
      }
    }
    return {
      id: 35436 + n,
      organizationId: organizationIds[organization] as number,
      isKnownOrganization: isKnown(organization),
      requesterId: 9000000000 + n,
      channel: pick(CHANNELS),
      createdAt: atSecond(created),
      subject: `Generated ticket ${n + 1}`,
      facts,
    };
  });
  return {
    tickets,
    knownOrganizations: organizationIds.filter((_, n) => isKnown(n)),
    staff: STAFF,
  };
};

/** The comment child event of the documented `comment_events` example, with this comment's facts. */
const commentEvent = (id: number, authorId: number, isPublic: boolean, createdAt: string, auditId: number) => ({
  id,
  via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
  via_reference_id: null,
  type: 'Comment',
  author_id: authorId,
  body: 'This is a comment',
  html_body: '<div class="zd-comment"><p dir="auto">This is a comment</p></div>',
  public: isPublic,
  attachments: [],
  audit_id: auditId,
  created_at: createdAt,
  event_type: 'Comment',
});

const ticketEvent = (id: number, ticket: GeneratedTicket, updaterId: number, at: string, children: unknown[]) => ({
  id,
  ticket_id: ticket.id,
  timestamp: Date.parse(at) / 1_000,
  created_at: at,
  updater_id: updaterId,
  via: VIA_NAMES[ticket.channel],
  system: { client: 'Mozilla/5.0', ip_address: '184.106.40.75', location: 'San Francisco, CA, United States' },
  metadata: { system: {}, custom: {} },
  event_type: 'Audit',
  child_events: children,
  merged_ticket_ids: [],
});

/** Zendesk's ids: audits and their child events share one sequence, as in the documented examples. */
const idsFor = (ticket: GeneratedTicket) => {
  let next = ticket.id * 1_000;
  return () => ++next;
};

const staffOf = (ticket: GeneratedTicket, index: number) =>
  STAFF[(ticket.id + index) % STAFF.length] as (typeof STAFF)[number];

/** The ticket events of a ticket's history, as the export lists them. */
export const ticketEventsOf = (ticket: GeneratedTicket): unknown[] => {
  const id = idsFor(ticket);
  const creation = id();
  const via = VIA_NAMES[ticket.channel];
  const create = (field: string, value: unknown) => ({
    id: id(),
    via,
    via_reference_id: null,
    [field]: value,
    event_type: 'Create',
  });
  const events: unknown[] = [
    ticketEvent(creation, ticket, ticket.requesterId, ticket.createdAt, [
      create('subject', ticket.subject),
      create('status', 'new'),
      create('priority', 'normal'),
      create('requester_id', ticket.requesterId),
      create('organization_id', ticket.organizationId),
      commentEvent(id(), ticket.requesterId, true, ticket.createdAt, creation),
    ]),
  ];
  ticket.facts.forEach((fact, index) => {
    const audit = id();
    const author = fact.kind === 'comment' && fact.by === 'requester' ? ticket.requesterId : staffOf(ticket, index).id;
    const child =
      fact.kind === 'comment'
        ? commentEvent(id(), author, fact.isPublic, fact.at, audit)
        : {
            id: id(),
            via,
            via_reference_id: null,
            status: fact.current,
            previous_value: fact.previous,
            event_type: 'Change',
          };
    events.push(ticketEvent(audit, ticket, author, fact.at, [child]));
  });
  return events;
};

/** The history as pages of the incremental ticket event export, in the order Zendesk lists events: by time. */
export const exportPages = (history: GeneratedHistory, perPage = 1_000): unknown[] => {
  const events = history.tickets
    .flatMap(ticketEventsOf)
    .sort((a, b) => (a as { timestamp: number }).timestamp - (b as { timestamp: number }).timestamp);
  const pages: unknown[] = [];
  for (let from = 0; from < Math.max(1, events.length); from += perPage) {
    const page = events.slice(from, from + perPage);
    const endTime = (page[page.length - 1] as { timestamp?: number } | undefined)?.timestamp ?? 0;
    pages.push({
      ticket_events: page,
      next_page: `https://example.zendesk.com/api/v2/incremental/ticket_events.json?start_time=${endTime}&include=comment_events`,
      count: page.length,
      end_of_stream: from + perPage >= events.length,
      end_time: endTime,
    });
  }
  return pages;
};

/** The users export (`GET /api/v2/incremental/users.json`): the staff and every requester. */
export const usersPage = (history: GeneratedHistory) => ({
  users: [
    ...history.staff.map(({ id, name }) => ({ id, name, role: 'agent' })),
    ...history.tickets.map((ticket) => ({ id: ticket.requesterId, name: `Requester ${ticket.id}`, role: 'end-user' })),
  ],
  end_of_stream: true,
  end_time: 0,
  count: history.staff.length + history.tickets.length,
});

/** `time` of a webhook event: Zendesk's, to the nanosecond, a little after the second the export gives. */
const webhookTime = (second: string, n: number): string =>
  second.replace('Z', `.${String(123_456_789 + n * 7_919).padStart(9, '0')}Z`);

/** The webhook deliveries that reported the ticket live (ids of Zendesk's event system, unlike the export's). */
export const webhookEventsOf = (ticket: GeneratedTicket): unknown[] => {
  const detail = {
    ...ticketCreated.detail,
    id: String(ticket.id),
    organization_id: String(ticket.organizationId),
    requester_id: String(ticket.requesterId),
    subject: ticket.subject,
    created_at: ticket.createdAt,
    via: { channel: ticket.channel },
  };
  const event = (n: number, type: string, at: string, body: Record<string, unknown>) => ({
    ...ticketCreated,
    type,
    id: `01HNWEBHOOK-${ticket.id}-${n}`,
    time: webhookTime(at, n),
    subject: `zen:ticket:${ticket.id}`,
    detail,
    ...body,
  });
  const comment = (n: number, at: string, author: { id: number; name: string; isStaff: boolean }, isPublic: boolean) =>
    event(n, 'zen:event-type:ticket.comment_added', at, {
      event: {
        comment: {
          ...commentAdded.event.comment,
          id: String(ticket.id * 1_000 + n),
          is_public: isPublic,
          author: { id: String(author.id), is_staff: author.isStaff, name: author.name },
          created_at: at,
        },
      },
    });
  const requester = { id: ticket.requesterId, name: `Requester ${ticket.id}`, isStaff: false };
  return [
    event(0, 'zen:event-type:ticket.created', ticket.createdAt, { event: { current: { status: 'New' } } }),
    comment(1, ticket.createdAt, requester, true),
    ...ticket.facts.map((fact, index) =>
      fact.kind === 'comment'
        ? comment(
            index + 2,
            fact.at,
            fact.by === 'requester' ? requester : { ...staffOf(ticket, index), isStaff: true },
            fact.isPublic,
          )
        : event(index + 2, 'zen:event-type:ticket.status_changed', fact.at, {
            event: { previous: fact.previous.toUpperCase(), current: fact.current.toUpperCase() },
          }),
    ),
  ];
};

export interface ExpectedImport {
  readonly envelopes: number;
  readonly ignored: number;
  readonly opened: number;
  readonly responses: number;
  readonly firstResponses: number;
  readonly resolved: number;
  readonly parkedByReason: Readonly<Record<string, number>>;
  readonly applied: number;
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * What importing (or delivering) the history must record, from the facts alone: an end user's comment and a reopening
 * are parked `not-supported`; a ticket of an unknown organization is parked `unknown-customer` and its replies and
 * solves `ticket-not-received`; a staff reply dated after the first solve is refused (the engine has no reopening).
 */
export const expectedImport = (history: GeneratedHistory): ExpectedImport => {
  const parkedByReason: Record<string, number> = {};
  let envelopes = 0;
  let ignored = 0;
  let applied = 0;
  let opened = 0;
  let responses = 0;
  let firstResponses = 0;
  let resolved = 0;
  for (const ticket of history.tickets) {
    const known = ticket.isKnownOrganization;
    envelopes += 2;
    bump(parkedByReason, 'not-supported');
    if (known) {
      opened++;
      applied++;
    } else bump(parkedByReason, 'unknown-customer');
    let solvedAt: string | null = null;
    let responded = false;
    for (const fact of ticket.facts) {
      if (fact.kind === 'comment') {
        if (!fact.isPublic) {
          ignored++;
          continue;
        }
        envelopes++;
        if (fact.by === 'requester') bump(parkedByReason, 'not-supported');
        else if (!known) bump(parkedByReason, 'ticket-not-received');
        else if (solvedAt !== null) bump(parkedByReason, 'refused');
        else {
          applied++;
          responses++;
          if (!responded) firstResponses++;
          responded = true;
        }
      } else if (fact.current === 'solved') {
        envelopes++;
        if (!known) bump(parkedByReason, 'ticket-not-received');
        else {
          applied++;
          if (solvedAt === null) resolved++;
          solvedAt ??= fact.at;
        }
      } else if (fact.previous === 'solved') {
        envelopes++;
        bump(parkedByReason, 'not-supported');
      } else ignored++;
    }
  }
  return { envelopes, ignored, opened, responses, firstResponses, resolved, parkedByReason, applied };
};
