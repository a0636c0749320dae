import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  type CustomerCommand,
  customerDecider,
  type CustomerEvent,
  CustomerNotFound,
  type CustomerState,
  customerStream,
  evolveCustomer,
  initialCustomerState,
} from '@app/domain';
import type { Plan } from '@app/policy';
import { type Caller, idFor } from '../commands/caller';
import { CommandRunner } from '../commands/command-runner';
import { ExternalRefsService } from '../external-refs/external-refs.service';
import { PolicyBookService } from '../policies/policy-book.service';
import type { RegisterCustomerInput } from './customer.schemas';

export interface CustomerView {
  readonly id: string;
  readonly name: string;
  readonly licences: number;
  readonly plan: Plan;
  readonly isPlanEligible: boolean;
  readonly flag: { readonly reason: string; readonly flaggedBy: string; readonly flaggedAt: string } | null;
  readonly isTrainingRequired: boolean;
  /** The customer's ids in other systems, by source. */
  readonly externalRefs: Readonly<Record<string, string>>;
}

export const customerView = (state: CustomerState, customerId: string): CustomerView => {
  if (state.status !== 'Registered') throw new CustomerNotFound(customerId);
  const { name, licences, plan, isPlanEligible, flag, isTrainingRequired, externalRefs } = state;
  return { id: state.customerId, name, licences, plan, isPlanEligible, flag, isTrainingRequired, externalRefs };
};

/** A customer command as the API receives it: its type and data, without the customer id or the metadata. */
export type CustomerChange = {
  [C in CustomerCommand as C['type']]: { readonly type: C['type']; readonly data: Omit<C['data'], 'customerId'> };
}[Exclude<CustomerCommand['type'], 'RegisterCustomer'>];

export class RegisterCustomer extends Command<CustomerView> {
  constructor(
    readonly input: RegisterCustomerInput,
    readonly caller: Caller,
  ) {
    super();
  }
}

export class ChangeCustomer extends Command<CustomerView> {
  constructor(
    readonly customerId: string,
    readonly change: CustomerChange,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Sets the customer's id in one source; the reference is claimed first, so it names one customer only. */
export class SetCustomerExternalRef extends Command<CustomerView> {
  constructor(
    readonly customerId: string,
    readonly source: string,
    readonly externalId: string,
    readonly caller: Caller,
  ) {
    super();
  }
}

export class FindCustomerByExternalRef extends Query<readonly CustomerView[]> {
  constructor(
    readonly source: string,
    readonly externalId: string,
  ) {
    super();
  }
}

export class GetCustomer extends Query<CustomerView> {
  constructor(readonly customerId: string) {
    super();
  }
}

/** Runs one customer command for a caller and returns the customer as it now stands. */
export const runCustomerCommand = async (
  runner: CommandRunner,
  book: PolicyBookService,
  customerId: string,
  command: Pick<CustomerCommand, 'type' | 'data'>,
  caller: Caller,
): Promise<CustomerView> => {
  const full = { ...command, metadata: runner.metadata(caller) } as CustomerCommand;
  runner.checkDating(full.data, full.metadata);
  const accepted = await runner.run(
    { customerId },
    customerStream(customerId),
    customerDecider(full, { policies: await book.current() }),
    full.metadata,
  );
  return runner.answer({ customerId }, accepted, () => customerView(accepted.state, customerId));
};

/** Claims a reference for the customer, with an id of its own so that its event ids differ from the customer's. */
const claimRef = (
  refs: ExternalRefsService,
  runner: CommandRunner,
  customerId: string,
  source: string,
  externalId: string,
  caller: Caller,
): Promise<void> =>
  refs.claim(
    source,
    externalId,
    customerId,
    runner.metadata({ ...caller, commandId: idFor(caller, `external-ref:${source}:${externalId}`) }),
  );

@CommandHandler(RegisterCustomer)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomer> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
    private readonly refs: ExternalRefsService,
  ) {}

  async execute({ input, caller }: RegisterCustomer): Promise<CustomerView> {
    const customerId = idFor(caller, 'customer');
    for (const [source, externalId] of Object.entries(input.externalRefs ?? {})) {
      await claimRef(this.refs, this.runner, customerId, source, externalId, caller);
    }
    return runCustomerCommand(
      this.runner,
      this.book,
      customerId,
      { type: 'RegisterCustomer', data: { customerId, ...input } },
      caller,
    );
  }
}

@CommandHandler(ChangeCustomer)
export class ChangeCustomerHandler implements ICommandHandler<ChangeCustomer> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  execute({ customerId, change, caller }: ChangeCustomer): Promise<CustomerView> {
    const command = { type: change.type, data: { ...change.data, customerId } } as CustomerCommand;
    return runCustomerCommand(this.runner, this.book, customerId, command, caller);
  }
}

@CommandHandler(SetCustomerExternalRef)
export class SetCustomerExternalRefHandler implements ICommandHandler<SetCustomerExternalRef> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
    private readonly refs: ExternalRefsService,
  ) {}

  async execute({ customerId, source, externalId, caller }: SetCustomerExternalRef): Promise<CustomerView> {
    const state = await this.runner.load<CustomerState, CustomerEvent>(
      customerStream(customerId),
      initialCustomerState,
      evolveCustomer,
    );
    if (state.status !== 'Registered') throw new CustomerNotFound(customerId);
    await claimRef(this.refs, this.runner, customerId, source, externalId, caller);
    const command = { type: 'SetCustomerExternalRef', data: { customerId, source, externalId } } as const;
    return runCustomerCommand(this.runner, this.book, customerId, command, caller);
  }
}

@QueryHandler(FindCustomerByExternalRef)
export class FindCustomerByExternalRefHandler implements IQueryHandler<FindCustomerByExternalRef> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly refs: ExternalRefsService,
  ) {}

  async execute({ source, externalId }: FindCustomerByExternalRef): Promise<readonly CustomerView[]> {
    const customerId = await this.refs.customerOf(source, externalId);
    if (customerId === null) return [];
    const state = await this.runner.load<CustomerState, CustomerEvent>(
      customerStream(customerId),
      initialCustomerState,
      evolveCustomer,
    );
    return [customerView(state, customerId)];
  }
}

@QueryHandler(GetCustomer)
export class GetCustomerHandler implements IQueryHandler<GetCustomer> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ customerId }: GetCustomer): Promise<CustomerView> {
    const state = await this.runner.load<CustomerState, CustomerEvent>(
      customerStream(customerId),
      initialCustomerState,
      evolveCustomer,
    );
    return customerView(state, customerId);
  }
}
