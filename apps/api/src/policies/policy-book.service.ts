import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  openPublishedPolicies,
  type Policy,
  type PolicyBook,
  type PolicyEntry,
  type PublishedPolicies,
} from '@app/policy';

/**
 * The policy book of the API, as `PublishedPolicies`: the files of `POLICIES_DIR` are read when the module starts, so
 * that a bad file makes the engine fail to start, naming it.
 */
@Injectable()
export class PolicyBookService implements OnModuleInit {
  private policies: PublishedPolicies | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onModuleInit(): Promise<void> {
    this.policies = await openPublishedPolicies(this.config.POLICIES_DIR, this.store);
  }

  get filePolicies(): readonly Policy[] {
    return this.started().filePolicies;
  }

  current(): Promise<PolicyBook> {
    return this.started().current();
  }

  entries(): Promise<PolicyEntry[]> {
    return this.started().entries();
  }

  private started(): PublishedPolicies {
    if (!this.policies) throw new Error('the policy book is read when the module starts');
    return this.policies;
  }
}
