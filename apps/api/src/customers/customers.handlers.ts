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
}

export const customerView = (state: CustomerState, customerId: string): CustomerView => {
  if (state.status !== 'Registered') throw new CustomerNotFound(customerId);
  const { name, licences, plan, isPlanEligible, flag, isTrainingRequired } = state;
  return { id: state.customerId, name, licences, plan, isPlanEligible, flag, isTrainingRequired };
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

@CommandHandler(RegisterCustomer)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomer> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  execute({ input, caller }: RegisterCustomer): Promise<CustomerView> {
    const customerId = idFor(caller, 'customer');
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
