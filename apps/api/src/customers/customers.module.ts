import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { CustomersController } from './customers.controller';
import { ExternalRefsService } from '../external-refs/external-refs.service';
import {
  ChangeCustomerHandler,
  FindCustomerByExternalRefHandler,
  GetCustomerHandler,
  RegisterCustomerHandler,
  SetCustomerExternalRefHandler,
} from './customers.handlers';

@Module({
  imports: [PoliciesModule],
  controllers: [CustomersController],
  providers: [
    ExternalRefsService,
    RegisterCustomerHandler,
    ChangeCustomerHandler,
    GetCustomerHandler,
    SetCustomerExternalRefHandler,
    FindCustomerByExternalRefHandler,
  ],
  exports: [ExternalRefsService],
})
export class CustomersModule {}
