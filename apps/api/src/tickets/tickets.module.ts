import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { TicketsController } from './tickets.controller';
import {
  ChangeTicketHandler,
  FlagCustomerFromTicketHandler,
  GetTicketHandler,
  OpenTicketHandler,
  RespondToTicketHandler,
} from './tickets.handlers';

@Module({
  imports: [PoliciesModule],
  controllers: [TicketsController],
  providers: [
    OpenTicketHandler,
    ChangeTicketHandler,
    RespondToTicketHandler,
    FlagCustomerFromTicketHandler,
    GetTicketHandler,
  ],
})
export class TicketsModule {}
