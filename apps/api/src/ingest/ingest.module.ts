import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { PoliciesModule } from '../policies/policies.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

/** The signed, idempotent ingest endpoint and the helpdesk adapters mapped onto it. */
@Module({
  imports: [PoliciesModule, CustomersModule],
  controllers: [IngestController],
  providers: [IngestService],
})
export class IngestModule {}
