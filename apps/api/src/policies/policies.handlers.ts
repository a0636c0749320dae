import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler, type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, type Instant } from '@app/clock';
import { PolicyVersionUnknown } from '@app/domain';
import {
  InvalidPolicyVersion,
  parsePolicyVersion,
  type Policy,
  type PolicyEntry,
  policyBookOf,
  policyOfEvent,
  POLICY_VERSIONS_STREAM,
  type PolicyVersionDocument,
  type PolicyVersionPublished,
} from '@app/policy';
import type { Caller } from '../commands/caller';
import { CommandRunner } from '../commands/command-runner';
import { ProblemException } from '../http/problem';
import { PolicyBookService } from './policy-book.service';

export interface PolicySummary {
  readonly version: string;
  readonly effectiveFrom: Instant;
  readonly calendarId: string;
  readonly timeZone: string;
  readonly source: PolicyEntry['source'];
}

export type PolicyView = PolicySummary & { readonly document: PolicyVersionDocument };

const summaryOf = ({ policy, source }: PolicyEntry): PolicySummary => ({
  version: policy.version,
  effectiveFrom: policy.effectiveFrom,
  calendarId: policy.calendar.id,
  timeZone: policy.calendar.timeZone,
  source,
});

const viewOf = (entry: PolicyEntry): PolicyView => ({ ...summaryOf(entry), document: entry.policy.document });

export class PublishPolicyVersion extends Command<PolicySummary> {
  constructor(
    readonly document: unknown,
    readonly caller: Caller,
  ) {
    super();
  }
}

export class ListPolicyVersions extends Query<PolicySummary[]> {}

export class GetPolicyVersion extends Query<PolicyView> {
  constructor(readonly version: string) {
    super();
  }
}

export class GetPolicyInForce extends Query<PolicyView> {
  constructor(readonly at: Instant | undefined) {
    super();
  }
}

/** POLICY §6: a dated version, validated, refused when it takes effect in the past or conflicts with another. */
@CommandHandler(PublishPolicyVersion)
export class PublishPolicyVersionHandler implements ICommandHandler<PublishPolicyVersion> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
  ) {}

  async execute({ document, caller }: PublishPolicyVersion): Promise<PolicySummary> {
    const candidate = parsePolicyVersion(document);
    if (candidate instanceof InvalidPolicyVersion) throw candidate;
    const metadata = this.runner.metadata(caller);
    const files = this.book.filePolicies;
    const subject = { policyVersion: candidate.version };
    const accepted = await this.runner.run(
      subject,
      POLICY_VERSIONS_STREAM,
      {
        initialState: [] as readonly Policy[],
        evolve: (published: readonly Policy[], event: PolicyVersionPublished) => [...published, policyOfEvent(event)],
        decide: (published: readonly Policy[]) => {
          const book = policyBookOf([...files, ...published]);
          const next = book.publish(candidate, metadata.now);
          if (next instanceof Error) return next;
          if (next === book) return [];
          const event: PolicyVersionPublished = {
            type: 'PolicyVersionPublished',
            data: {
              version: candidate.version,
              effectiveFrom: candidate.effectiveFrom,
              document: candidate.document,
              publishedBy: caller.actor.id,
              publishedAt: metadata.now,
            },
          };
          return [event];
        },
      },
      metadata,
    );
    return this.runner.answer(subject, accepted, async () => {
      const entry = (await this.book.entries()).find(({ policy }) => policy.version === candidate.version);
      return summaryOf(entry ?? { policy: candidate, source: 'published' });
    });
  }
}

@QueryHandler(ListPolicyVersions)
export class ListPolicyVersionsHandler implements IQueryHandler<ListPolicyVersions> {
  constructor(private readonly book: PolicyBookService) {}

  async execute(): Promise<PolicySummary[]> {
    return (await this.book.entries()).map(summaryOf);
  }
}

@QueryHandler(GetPolicyVersion)
export class GetPolicyVersionHandler implements IQueryHandler<GetPolicyVersion> {
  constructor(private readonly book: PolicyBookService) {}

  async execute({ version }: GetPolicyVersion): Promise<PolicyView> {
    const entry = (await this.book.entries()).find(({ policy }) => policy.version === version);
    if (!entry) {
      throw ProblemException.of(404, 'policy-version-not-found', `There is no policy version ${version}.`, { version });
    }
    return viewOf(entry);
  }
}

@QueryHandler(GetPolicyInForce)
export class GetPolicyInForceHandler implements IQueryHandler<GetPolicyInForce> {
  constructor(
    private readonly book: PolicyBookService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ at }: GetPolicyInForce): Promise<PolicyView> {
    const instant = at ?? this.clock.now();
    const inForce = (await this.book.current()).inForceAt(instant);
    if (!inForce) throw new PolicyVersionUnknown(instant);
    const entry = (await this.book.entries()).find(({ policy }) => policy.version === inForce.version);
    return viewOf(entry ?? { policy: inForce, source: 'file' });
  }
}
