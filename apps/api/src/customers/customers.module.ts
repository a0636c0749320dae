import { Module } from '@nestjs/common';
import { PoliciesModule } from '../policies/policies.module';
import { CustomersController } from './customers.controller';
import { ChangeCustomerHandler, GetCustomerHandler, RegisterCustomerHandler } from './customers.handlers';

@Module({
  imports: [PoliciesModule],
  controllers: [CustomersController],
  providers: [RegisterCustomerHandler, ChangeCustomerHandler, GetCustomerHandler],
})
export class CustomersModule {}
