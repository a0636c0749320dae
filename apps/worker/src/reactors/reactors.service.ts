import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { ALERT_SINK, type AlertSink } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore, LogProcessors } from '@app/event-store';
import { openPublishedPolicies } from '@app/policy';
import {
  OpenClocks,
  openReadModelDb,
  ProjectionRunner,
  READ_MODEL_DB,
  type ReadModelDb,
  readModelsPathOf,
  WORKER_READ_MODELS,
} from '@app/projections';
import {
  AlertReactor,
  CustomerStandingReactor,
  FiredTimerHandler,
  impliedTimers,
  InMemoryCheckpointStore,
  openClocksOfCustomer,
  SqliteCheckpointStore,
  startReactor,
  TimerReactor,
} from '@app/reactors';
import {
  type BullJobWorker,
  BullTimerScheduler,
  createRedisConnection,
  InProcessTimerScheduler,
  type ReconciliationReport,
  reconcileTimers,
  startBullTimerWorker,
  TIMER_QUEUE,
  whenRedisReady,
  WorkerHeartbeat,
  workerIdOfThisProcess,
} from '@app/scheduling';

/**
 * Runs the timers and the reactors of one process: at start, reconciles the timers with the open clocks, then follows
 * the log with the timer, alert and customer-standing reactors. The open clocks are those of the api's read models in
 * embedded mode, else this worker's own, kept in its read-model file: start-up costs what is open and what the log
 * gained since the last run, never the whole log. With `REDIS_URL`, timers are BullMQ delayed jobs that every worker
 * process competes for; without it, timers live in this process.
 */
@Injectable()
export class ReactorsService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Reactors');
  /** What uses the event store: processors, timer workers and in-process timers, closed before the store. */
  private readonly users: { stop(): Promise<void> }[] = [];
  /** Queues and files, closed with the rest of the application. */
  private readonly resources: { close(): Promise<void> }[] = [];
  private reconciliation: ReconciliationReport | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERT_SINK) private readonly alerts: AlertSink,
    private readonly processors: LogProcessors,
    @Optional() private readonly readModels?: ProjectionRunner,
    @Optional() @Inject(READ_MODEL_DB) private readonly readModelDb?: ReadModelDb,
  ) {}

  /** What the reconciliation at start did. */
  get startReconciliation(): ReconciliationReport | undefined {
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
    const { runner, db } = await this.openClocks();

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
    const clocks = new OpenClocks(db);
    const report = await reconcileTimers(scheduler, impliedTimers(clocks, await policies.current()));
    this.reconciliation = report;
    // The open clocks stand for the log up to the runner's checkpoint: the timer reactor follows it from there.
    if (runner.checkpoint !== null) await checkpoints.save(timerReactor.name, runner.checkpoint);
    this.logger.log(
      `timers reconciled: ${report.added} missing added, ${report.removed} orphans removed, ${report.kept} unchanged, of ${report.implied} the open clocks imply`,
    );

    if (redisUrl) {
      this.stopOnShutdown(await startBullTimerWorker({ redisUrl, queueName: TIMER_QUEUE, handler: handle, onError }));
      const connection = createRedisConnection(redisUrl, 'queue');
      await whenRedisReady(connection, 3_000);
      const heartbeat = await WorkerHeartbeat.start(connection, workerIdOfThisProcess(), clock, onError);
      // The heartbeat stops last among the users, once the processors and timer workers have; a key left behind expires.
      this.users.push({ stop: () => heartbeat.stop() });
      this.resources.push({ close: async () => connection.disconnect() });
    }

    const standingReactor = new CustomerStandingReactor(
      store,
      policies,
      clock,
      openClocksOfCustomer(runner, clocks),
      (ticketId, refusal) =>
        this.logger.warn(`ticket ${ticketId} refused its customer's standing: ${refusal.code}: ${refusal.message}`),
    );
    for (const reactor of [timerReactor, new AlertReactor(this.alerts), standingReactor]) {
      const processor = startReactor(store, checkpoints, reactor, { clock, logger: this.logger });
      this.processors.add(processor);
      this.users.unshift(processor);
    }
    this.logger.log(`timers ${redisUrl ? 'on BullMQ' : 'in process'}, reactors following the log`);
  }

  /** Processors first, then workers and in-process timers, which wait for their handlers: all before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const user of this.users.splice(0)) await user.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const resource of this.resources.splice(0).reverse()) await resource.close();
  }

  /** The api's read models when this process has them, else this worker's open clocks, caught up before use. */
  private async openClocks(): Promise<{ readonly runner: ProjectionRunner; readonly db: ReadModelDb }> {
    if (this.readModels && this.readModelDb) {
      await this.readModels.whenLive();
      return { runner: this.readModels, db: this.readModelDb };
    }
    const db = openReadModelDb(readModelsPathOf(this.config));
    const runner = new ProjectionRunner(this.store, db, WORKER_READ_MODELS, this.clock);
    const caughtUp = await runner.catchUp();
    this.logger.log(`open clocks caught up with ${caughtUp} events of the log`);
    runner.start();
    this.processors.add(runner);
    this.users.push(runner);
    this.resources.push({ close: async () => void db.close() });
    return { runner, db };
  }

  private stopOnShutdown(worker: BullJobWorker): void {
    this.users.push({ stop: () => worker.close() });
  }
}
