import { SystemClock } from '@app/clock';
import { configOrExit, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { openPublishedPolicies } from '@app/policy';
import { OpenClocks, openReadModelDb, ProjectionRunner, WORKER_READ_MODELS } from '@app/projections';
import { impliedTimers } from '@app/reactors';
import { BullTimerScheduler, reconcileTimers, TIMER_QUEUE } from '@app/scheduling';
import { type CliCommand, USAGE_ERROR } from '../command';

/**
 * `cli reconcile-timers`: makes the BullMQ timers match what the open clocks imply and prints the counts as JSON. The
 * open clocks are folded from the log in memory: a tool for an operator, not the workers' periodic reconciliation.
 */
export const reconcileTimersCommand: CliCommand = {
  summary: 'add the timers the log implies and Redis lacks, remove the orphans; print the counts as JSON',
  usage: 'cli reconcile-timers',
  options: [],
  run: async () => {
    const config = configOrExit();
    if (!config.REDIS_URL) {
      process.stderr.write(
        'REDIS_URL is unset: timers live in the engine process, which schedules them again from the log at each start.\n',
      );
      return USAGE_ERROR;
    }
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    try {
      const policies = await openPublishedPolicies(config.POLICIES_DIR, store);
      const scheduler = await BullTimerScheduler.open(
        {
          redisUrl: config.REDIS_URL,
          queueName: TIMER_QUEUE,
          onError: (error) => process.stderr.write(`Redis: ${error.message}\n`),
        },
        new SystemClock(),
      );
      try {
        const db = openReadModelDb(':memory:');
        await new ProjectionRunner(store, db, WORKER_READ_MODELS, new SystemClock()).catchUp();
        const implied = impliedTimers(new OpenClocks(db), await policies.current());
        const { added, removed, kept: unchanged, busy } = await reconcileTimers(scheduler, implied);
        process.stdout.write(`${JSON.stringify({ missingAdded: added, orphansRemoved: removed, unchanged, busy })}\n`);
        return 0;
      } finally {
        await scheduler.close();
      }
    } finally {
      await store.close();
    }
  },
};
