import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  type CustomerEvent,
  customerStanding,
  type CustomerState,
  customerStream,
  evolveCustomer,
  evolveTicket,
  initialCustomerState,
  initialTicketState,
  type TicketCommand,
  ticketDecider,
  type TicketEvent,
  type TicketResponded,
  type TicketState,
  ticketStream,
} from '@app/domain';
import { type Caller, idFor } from '../commands/caller';
import { type Accepted, CommandRunner } from '../commands/command-runner';
import { runCustomerCommand } from '../customers/customers.handlers';
import { PolicyBookService } from '../policies/policy-book.service';
import type { OpenTicketInput } from './ticket.schemas';
import { ticketView, type TicketView } from './ticket.view';

/** A ticket command as the API receives it: its type and data, without the ticket id or the metadata. */
export type TicketChange = {
  [C in TicketCommand as C['type']]: { readonly type: C['type']; readonly data: Omit<C['data'], 'ticketId'> };
}[Exclude<TicketCommand['type'], 'OpenTicket'>];

type WithoutSla<T> = T extends unknown ? Omit<T, 'sla'> : never;

export type ResponseAnswer = WithoutSla<TicketResponded['data']> & { readonly ticket: TicketView };

export class OpenTicket extends Command<TicketView> {
  constructor(
    readonly input: OpenTicketInput,
    readonly caller: Caller,
  ) {
    super();
  }
}

export class ChangeTicket extends Command<TicketView> {
  constructor(
    readonly ticketId: string,
    readonly change: TicketChange,
    readonly caller: Caller,
  ) {
    super();
  }
}

export class RespondToTicket extends Command<ResponseAnswer> {
  constructor(
    readonly ticketId: string,
    readonly response: { readonly by?: string; readonly respondedAt?: string },
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Records on the ticket that its customer was flagged from it, then flags the customer (POLICY §4). */
export class FlagCustomerFromTicket extends Command<TicketView> {
  constructor(
    readonly ticketId: string,
    readonly flag: { readonly reason: string; readonly occurredAt?: string },
    readonly caller: Caller,
  ) {
    super();
  }
}

export class GetTicket extends Query<TicketView> {
  constructor(readonly ticketId: string) {
    super();
  }
}

/** Runs a ticket command and builds its answer from what was recorded, `ticketView` by default. */
const runTicketCommand = async <A = TicketView>(
  runner: CommandRunner,
  book: PolicyBookService,
  ticketId: string,
  command: Pick<TicketCommand, 'type' | 'data'>,
  caller: Caller,
  {
    customer,
    answer = (_accepted, view) => view as A,
  }: {
    readonly customer?: ReturnType<typeof customerStanding>;
    readonly answer?: (accepted: Accepted<TicketState>, view: TicketView) => A | Promise<A>;
  } = {},
): Promise<A> => {
  const full = { ...command, metadata: runner.metadata(caller) } as TicketCommand;
  runner.checkDating(full.data, full.metadata);
  const policies = await book.current();
  const accepted = await runner.run(
    { ticketId },
    ticketStream(ticketId),
    ticketDecider(full, { policies, ...(customer === undefined ? {} : { customer }) }),
    full.metadata,
  );
  return runner.answer({ ticketId }, accepted, () => answer(accepted, ticketView(accepted.state, ticketId, policies)));
};

@CommandHandler(OpenTicket)
export class OpenTicketHandler implements ICommandHandler<OpenTicket> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ input, caller }: OpenTicket): Promise<TicketView> {
    const ticketId = idFor(caller, 'ticket');
    const state = await this.runner.load<CustomerState, CustomerEvent>(
      customerStream(input.customerId),
      initialCustomerState,
      evolveCustomer,
    );
    const command = { type: 'OpenTicket', data: { ticketId, ...input } } as const;
    return runTicketCommand(this.runner, this.book, ticketId, command, caller, { customer: customerStanding(state) });
  }
}

@CommandHandler(ChangeTicket)
export class ChangeTicketHandler implements ICommandHandler<ChangeTicket> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ ticketId, change, caller }: ChangeTicket): Promise<TicketView> {
    const command = { type: change.type, data: { ...change.data, ticketId } } as TicketCommand;
    return runTicketCommand(this.runner, this.book, ticketId, command, caller);
  }
}

@CommandHandler(RespondToTicket)
export class RespondToTicketHandler implements ICommandHandler<RespondToTicket> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ ticketId, response, caller }: RespondToTicket): Promise<ResponseAnswer> {
    const command = { type: 'RecordResponse', data: { ticketId, ...response } } as const;
    return runTicketCommand(this.runner, this.book, ticketId, command, caller, {
      answer: async ({ events }, view): Promise<ResponseAnswer> => {
        const appended = events.find((event) => event.type === 'TicketResponded') as TicketResponded | undefined;
        const recorded = appended ?? (await this.recordedResponse(ticketId, caller.commandId));
        const { sla: _sla, ...facts } = recorded.data as TicketResponded['data'] & { sla?: unknown };
        return { ...facts, ticket: view };
      },
    });
  }

  /** The response an earlier attempt of this command recorded, when this one appended nothing. */
  private async recordedResponse(ticketId: string, responseId: string): Promise<TicketResponded> {
    let found: TicketResponded | undefined;
    await this.runner.load<undefined, TicketEvent>(ticketStream(ticketId), undefined, (_state, event) => {
      if (event.type === 'TicketResponded' && event.data.responseId === responseId) found = event;
      return undefined;
    });
    if (!found) throw new Error(`ticket ${ticketId} has no response ${responseId} after recording it`);
    return found;
  }
}

@CommandHandler(FlagCustomerFromTicket)
export class FlagCustomerFromTicketHandler implements ICommandHandler<FlagCustomerFromTicket> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ ticketId, flag, caller }: FlagCustomerFromTicket): Promise<TicketView> {
    const command = { type: 'FlagCustomerFromTicket', data: { ticketId, ...flag } } as const;
    const { state, view } = await runTicketCommand(this.runner, this.book, ticketId, command, caller, {
      answer: ({ state: flagged }, ticket) => ({ state: flagged, view: ticket }),
    });
    const customerId = (state as Exclude<TicketState, { status: 'NotOpened' }>).customerId;
    // A distinct command id: the customer's events must not share ids with the ticket's.
    await runCustomerCommand(
      this.runner,
      this.book,
      customerId,
      { type: 'FlagCustomerForExcessiveRequests', data: { customerId, ...flag, ticketId } },
      { ...caller, commandId: idFor(caller, 'customer-flag'), correlationId: caller.correlationId },
    );
    return view;
  }
}

@QueryHandler(GetTicket)
export class GetTicketHandler implements IQueryHandler<GetTicket> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ ticketId }: GetTicket): Promise<TicketView> {
    const state = await this.runner.load<TicketState, TicketEvent>(
      ticketStream(ticketId),
      initialTicketState,
      evolveTicket,
    );
    return ticketView(state, ticketId, await this.book.current());
  }
}
