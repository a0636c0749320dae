import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ALERT_SINK, type AlertSink } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { openPublishedPolicies } from '@app/projections/policy-book';
import type { BullJobWorker, RetryPolicy } from '../jobs/bull-jobs';
import { retryPolicyWithin } from '../jobs/retry-policy';
import { createRedisConnection, whenRedisReady } from '../redis/redis-connection';
import { WorkerHeartbeat, workerIdOfThisProcess } from '../redis/worker-heartbeat';
import { BullTimerScheduler, startBullTimerWorker } from '../timers/bull-timer-scheduler';
import { InProcessTimerScheduler } from '../timers/in-process-timer-scheduler';
import { InMemoryCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';
import { AlertReactor } from './alert-reactor';
import { CustomerStandingReactor } from './customer-standing-reactor';
import { FiredTimerHandler } from './fired-timer.handler';
import { ReactorRunner } from './reactor-runner';
import { type LogReconciliation, reconcileWithLog } from './reconcile-with-log';
import { TimerReactor } from './timer-reactor';

/** The BullMQ queue of the SLA timers. */
export const TIMER_QUEUE = 'sla-timers';
/** The BullMQ queue of the webhook deliveries of alerts. */
export const ALERT_DELIVERY_QUEUE = 'sla-alert-deliveries';

/** The tries of a webhook delivery, from `ALERT_RETRY_HORIZON_MS`, `ALERT_RETRY_BACKOFF_MS` and `…_MAX_BACKOFF_MS`. */
export const alertRetryPolicy = (config: AppConfig): RetryPolicy =>
  retryPolicyWithin({
    horizonMs: config.ALERT_RETRY_HORIZON_MS,
    backoffMs: config.ALERT_RETRY_BACKOFF_MS,
    maxBackoffMs: config.ALERT_RETRY_MAX_BACKOFF_MS,
  });

/**
 * Runs the timers and the reactors of one process: at start, reconciles the timers with the log, then follows the
 * log with the timer, alert and customer-standing reactors. With `REDIS_URL`, timers are BullMQ delayed jobs that every worker process
 * competes for; without it, timers live in this process.
 */
@Injectable()
export class ReactorsService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Reactors');
  /** What uses the event store: runners, timer workers and in-process timers, closed before the store. */
  private readonly users: { stop(): Promise<void> }[] = [];
  /** Queues and the checkpoint file, closed with the rest of the application. */
  private readonly resources: { close(): Promise<void> }[] = [];
  private reconciliation: LogReconciliation | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERT_SINK) private readonly alerts: AlertSink,
  ) {}

  /** What the reconciliation at start did. */
  get startReconciliation(): LogReconciliation | undefined {
    return this.reconciliation;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config, store, clock } = this;
    const policies = await openPublishedPolicies(config.POLICIES_DIR, store);
    // A log kept in memory starts empty at every start: a checkpoint kept on disk would skip its first events.
    const checkpoints =
      config.EVENT_STORE_URL === 'memory:'
        ? new InMemoryCheckpointStore()
        : SqliteCheckpointStore.open(config.READ_MODELS_PATH);
    this.resources.push(checkpoints);
    const handler = new FiredTimerHandler(store, policies, clock);
    const handle = (timer: Parameters<FiredTimerHandler['handle']>[0]) => handler.handle(timer);
    const onError = (error: Error): void => this.logger.warn(`Redis: ${error.message}`);
    const redisUrl = config.REDIS_URL;
    const scheduler = redisUrl
      ? await BullTimerScheduler.open({ redisUrl, queueName: TIMER_QUEUE, onError }, clock)
      : new InProcessTimerScheduler(clock, {
          handler: handle,
          onFailure: (timer, error) => this.logger.error(`timer ${timer.id} failed for good: ${String(error)}`),
        });
    if (scheduler instanceof InProcessTimerScheduler) this.users.push({ stop: () => scheduler.close() });
    else this.resources.push(scheduler);

    const timerReactor = new TimerReactor(store, scheduler, policies);
    const report = await reconcileWithLog(store, scheduler, policies);
    this.reconciliation = report;
    if (report.position !== undefined) await checkpoints.save(timerReactor.name, report.position);
    this.logger.log(
      `timers reconciled: ${report.added} missing added, ${report.removed} orphans removed, ${report.unchanged} unchanged`,
    );

    if (redisUrl) {
      this.stopOnShutdown(await startBullTimerWorker({ redisUrl, queueName: TIMER_QUEUE, handler: handle, onError }));
      const connection = createRedisConnection(redisUrl, 'queue');
      await whenRedisReady(connection, 3_000);
      const heartbeat = await WorkerHeartbeat.start(connection, workerIdOfThisProcess(), clock, onError);
      // The heartbeat stops last among the users, once the runners and timer workers have; a key left behind expires.
      this.users.push({ stop: () => heartbeat.stop() });
      this.resources.push({ close: async () => connection.disconnect() });
    }

    const onReactorError = (name: string) => (error: unknown) =>
      this.logger.error(`${name} reactor failed, following the log again from its checkpoint: ${String(error)}`);
    const standingReactor = new CustomerStandingReactor(store, policies, clock, (ticketId, refusal) =>
      this.logger.warn(`ticket ${ticketId} refused its customer's standing: ${refusal.code}: ${refusal.message}`),
    );
    for (const reactor of [timerReactor, new AlertReactor(this.alerts), standingReactor]) {
      this.users.unshift(ReactorRunner.start(store, checkpoints, reactor, { onError: onReactorError(reactor.name) }));
    }
    this.logger.log(`timers ${redisUrl ? 'on BullMQ' : 'in process'}, reactors following the log`);
  }

  /** Runners first, then workers and in-process timers, which wait for their handlers: all before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const user of this.users.splice(0)) await user.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const resource of this.resources.splice(0).reverse()) await resource.close();
  }

  private stopOnShutdown(worker: BullJobWorker): void {
    this.users.push({ stop: () => worker.close() });
  }
}
