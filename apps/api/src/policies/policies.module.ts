import { Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller';
import {
  GetPolicyInForceHandler,
  GetPolicyVersionHandler,
  ListPolicyVersionsHandler,
  PublishPolicyVersionHandler,
} from './policies.handlers';
import { PolicyBookService } from './policy-book.service';

@Module({
  controllers: [PoliciesController],
  providers: [
    PolicyBookService,
    PublishPolicyVersionHandler,
    ListPolicyVersionsHandler,
    GetPolicyVersionHandler,
    GetPolicyInForceHandler,
  ],
  exports: [PolicyBookService],
})
export class PoliciesModule {}
