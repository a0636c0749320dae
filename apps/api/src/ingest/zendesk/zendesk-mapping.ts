import type { Channel } from '@app/policy';

/** What one Zendesk event becomes: a canonical envelope, or nothing the engine uses, and why. */
export type ZendeskMapping =
  | { readonly kind: 'envelope'; readonly envelope: Record<string, unknown> }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly field: string; readonly reason: string };

export const ZENDESK_SOURCE = 'zendesk';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const idText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** A value as a reason may quote it: `String` throws on an object whose `toString` JSON replaced. */
const shown = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? 'an absent channel' : JSON.stringify(value);

const SOLVED = new Set(['solved', 'closed']);
const OPEN = new Set(['new', 'open', 'pending', 'hold']);

const invalid = (field: string, reason: string): ZendeskMapping => ({ kind: 'invalid', field, reason });

/**
 * Maps a Zendesk ticket event (webhook event subscription) onto the canonical envelope. Uses the event's `type`,
 * `id` (the source event id) and `time`, and of `detail` its `id`, `organization_id`, `subject`, `via.channel` and
 * `created_at`; of a comment its `is_public`, `author.is_staff`, `author.name` and `created_at` (else the event's
 * `time`); of a status change `event.previous` and `event.current`. Everything else is ignored.
 */
export const mapZendeskEvent = (payload: unknown, channels: ReadonlyMap<string, Channel>): ZendeskMapping => {
  if (!isRecord(payload)) return invalid('body', 'must be a Zendesk event object');
  const { type, detail, event } = payload;
  const sourceEventId = idText(payload.id);
  if (!sourceEventId) return invalid('id', 'must be the event id');
  if (!isRecord(detail) || !idText(detail.id)) return invalid('detail.id', 'must be the ticket id');
  const ticketRef = idText(detail.id) as string;
  const base = { source: ZENDESK_SOURCE, sourceEventId, ticketRef };
  switch (type) {
    case 'zen:event-type:ticket.created': {
      const via = isRecord(detail.via) ? detail.via.channel : undefined;
      const channel = typeof via === 'string' ? channels.get(via) : undefined;
      if (!channel) return invalid('detail.via.channel', `${shown(via)} is not in ZENDESK_CHANNEL_MAP`);
      const organization = idText(detail.organization_id);
      return {
        kind: 'envelope',
        envelope: {
          ...base,
          type: 'ticket.received',
          occurredAt: detail.created_at ?? payload.time,
          ...(organization === undefined || organization === '0' ? {} : { customerRef: organization }),
          data: {
            subject:
              typeof detail.subject === 'string' && detail.subject.trim()
                ? detail.subject
                : `Zendesk ticket ${ticketRef}`,
            channel,
          },
        },
      };
    }
    case 'zen:event-type:ticket.comment_added': {
      const comment = isRecord(event) ? event.comment : undefined;
      if (!isRecord(comment)) return invalid('event.comment', 'must be the comment');
      if (comment.is_public !== true) return { kind: 'ignored', reason: 'private-comment' };
      const author = isRecord(comment.author) ? comment.author : {};
      const by = typeof author.name === 'string' && author.name.trim() ? author.name : idText(author.id);
      return {
        kind: 'envelope',
        envelope: {
          ...base,
          type: author.is_staff === true ? 'agent.replied' : 'customer.replied',
          occurredAt: comment.created_at ?? payload.time,
          data: by === undefined ? {} : { by },
        },
      };
    }
    case 'zen:event-type:ticket.status_changed': {
      const current = isRecord(event) && typeof event.current === 'string' ? event.current.toLowerCase() : '';
      const previous = isRecord(event) && typeof event.previous === 'string' ? event.previous.toLowerCase() : '';
      if (current === 'solved')
        return { kind: 'envelope', envelope: { ...base, type: 'ticket.solved', occurredAt: payload.time, data: {} } };
      if (SOLVED.has(previous) && OPEN.has(current)) {
        return { kind: 'envelope', envelope: { ...base, type: 'ticket.reopened', occurredAt: payload.time, data: {} } };
      }
      return { kind: 'ignored', reason: 'status-not-used' };
    }
    case 'zen:event-type:ticket.organization_changed':
      // The engine fixes a ticket's customer at its receipt; a later change of organisation does not move it.
      return { kind: 'ignored', reason: 'organization-change-not-used' };
    default:
      return { kind: 'ignored', reason: 'event-type-not-used' };
  }
};
