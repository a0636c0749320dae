import { Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  type CustomerEvent,
  type CustomerExternalRefClaimed,
  type CustomerState,
  customerRefStream,
  customerStream,
  decideExternalRefClaim,
  evolveCustomer,
  evolveExternalRefHolder,
  type ExternalRefHolder,
  checkExternalId,
  checkExternalSource,
  firstProblem,
  initialCustomerState,
} from '@app/domain';
import type { CommandMetadata } from '@app/kernel';
import { CommandRunner } from '../commands/command-runner';

/** The namespace of the engine ids of tickets opened from a source. Never change it. */
const EXTERNAL_TICKET_NAMESPACE = '3b0f6c2e-8a4d-5f1b-9c7e-2d6a4b8e1f03';

/** The engine's id of a source's ticket: the same on every delivery, in every process. */
export const externalTicketId = (source: string, ticketRef: string): string =>
  uuidv5(`${source}:${ticketRef}`, EXTERNAL_TICKET_NAMESPACE);

/** `zendesk:10002` as `{ source, externalId }`; the refusal names `field`. */
export const parseExternalRef = (value: unknown, field = 'externalRef') => {
  const text = typeof value === 'string' ? value : '';
  const colon = text.indexOf(':');
  const source = colon > 0 ? text.slice(0, colon) : '';
  const externalId = colon > 0 ? text.slice(colon + 1) : '';
  const problem = firstProblem(checkExternalSource(field, source), checkExternalId(field, externalId));
  if (problem) throw problem;
  return { source, externalId };
};

/** Who holds which reference of a source: read from the reference's own stream, confirmed by the customer's. */
@Injectable()
export class ExternalRefsService {
  constructor(private readonly runner: CommandRunner) {}

  /** The customer that holds `externalId` in `source`, `null` when none does. */
  async customerOf(source: string, externalId: string): Promise<string | null> {
    const holder = await this.holderOf(source, externalId);
    return holder !== null && (await this.holds(holder, source, externalId)) ? holder : null;
  }

  /** Makes `customerId` the holder of the reference; refused with `external-ref-taken` while another holds it. */
  async claim(source: string, externalId: string, customerId: string, metadata: CommandMetadata): Promise<void> {
    const problem = firstProblem(checkExternalSource('source', source), checkExternalId('externalId', externalId));
    if (problem) throw problem;
    const seen = await this.holderOf(source, externalId);
    const isSeenHolding = seen !== null && seen !== customerId && (await this.holds(seen, source, externalId));
    const command = { type: 'ClaimCustomerExternalRef', data: { source, externalId, customerId }, metadata } as const;
    await this.runner.run(
      { customerId },
      customerRefStream(source, externalId),
      {
        initialState: null as ExternalRefHolder,
        evolve: evolveExternalRefHolder,
        // A holder that changed since it was checked is taken to hold it: the claim is refused, never stolen.
        decide: (holder: ExternalRefHolder) =>
          decideExternalRefClaim(command, holder, holder === seen ? isSeenHolding : true),
      },
      metadata,
    );
  }

  private async holderOf(source: string, externalId: string): Promise<ExternalRefHolder> {
    return this.runner.load<ExternalRefHolder, CustomerExternalRefClaimed>(
      customerRefStream(source, externalId),
      null,
      evolveExternalRefHolder,
    );
  }

  private async holds(customerId: string, source: string, externalId: string): Promise<boolean> {
    const state = await this.runner.load<CustomerState, CustomerEvent>(
      customerStream(customerId),
      initialCustomerState,
      evolveCustomer,
    );
    return state.status === 'Registered' && state.externalRefs[source] === externalId;
  }
}
