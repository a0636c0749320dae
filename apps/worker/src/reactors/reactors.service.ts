import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ALERT_SINK, type AlertSink } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore, type LogProcessor, LogProcessors } from '@app/event-store';
import { openPublishedPolicies, type PolicySource } from '@app/policy';
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
  isGivingUp,
  openClocksOfCustomer,
  SqliteCheckpointStore,
  startReactor,
  TimerKeeper,
  timerGivenUpLine,
  TimerReactor,
} from '@app/reactors';
import {
  type BullJobWorker,
  BullTimerScheduler,
  createRedisConnection,
  DEFAULT_TIMER_RETRY,
  InProcessTimerScheduler,
  type ReconciliationReport,
  reconcileTimers,
  RedisIdentityWatch,
  type Timer,
  type TimerAttempt,
  type TimerScheduler,
  startBullTimerWorker,
  TIMER_QUEUE,
  warnOncePerRun,
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
  /** Embedded, the start that waits for the api's read models, in the background. */
  private starting: Promise<void> | undefined;
  private readonly shutdown = new AbortController();

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

  /**
   * Embedded, the reactors start from the api's open clocks, which a first start or an upgrade may have a long log to
   * build from: the api serves meanwhile, `/health` showing the read models catching up, and a failure to start the
   * reactors is an error line and a failed processor there. A worker of its own starts them before it says it has.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.readModels) return this.start();
    this.starting = this.start().catch((error: unknown) => {
      this.logger.error(`the reactors could not start, timers and alerts stand still: ${String(error)}`);
      this.processors.add({
        status: {
          name: 'reactors',
          state: 'failed',
          checkpoint: undefined,
          failure: { error: String(error), since: this.clock.now(), attempts: 1 },
        },
      });
    });
  }

  private async start(): Promise<void> {
    const { config, store, clock } = this;
    const policies = await openPublishedPolicies(config.POLICIES_DIR, store);
    // A log kept in memory starts empty at every start: a checkpoint kept on disk would skip its first events.
    const checkpoints =
      config.EVENT_STORE_URL === 'memory:'
        ? new InMemoryCheckpointStore()
        : SqliteCheckpointStore.open(config.READ_MODELS_PATH);
    this.resources.push(checkpoints);
    const opened = await this.openClocks();
    if (!opened) return;
    const { runner, db } = opened;

    const handler = new FiredTimerHandler(store, policies, clock);
    const onError = warnOncePerRun((message) => this.logger.warn(message), 'Redis');
    const redisUrl = config.REDIS_URL;
    const handle = async (timer: Timer, attempt: TimerAttempt): Promise<void> => {
      try {
        await handler.handle(timer);
      } catch (error) {
        // BullMQ parks the job after this try; the in-process scheduler reports it through `onFailure`.
        if (redisUrl && isGivingUp(error, attempt)) this.giveUp(timer, error, attempt.attempt);
        else this.logger.debug(`timer ${timer.id} try ${attempt.attempt} failed, to be tried again: ${String(error)}`);
        throw error;
      }
    };
    const scheduler = redisUrl
      ? await BullTimerScheduler.open({ redisUrl, queueName: TIMER_QUEUE, onError }, clock)
      : new InProcessTimerScheduler(clock, {
          handler: handle,
          onFailure: (timer, error) => this.giveUp(timer, error, DEFAULT_TIMER_RETRY.attempts),
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

    let connection: Redis | undefined;
    if (redisUrl) {
      this.stopOnShutdown(await startBullTimerWorker({ redisUrl, queueName: TIMER_QUEUE, handler: handle, onError }));
      connection = createRedisConnection(redisUrl, 'queue');
      await whenRedisReady(connection, 3_000);
      const heartbeat = await WorkerHeartbeat.start(connection, workerIdOfThisProcess(), clock, onError);
      // The heartbeat stops last among the users, once the processors and timer workers have; a key left behind expires.
      this.users.push({ stop: () => heartbeat.stop() });
      this.resources.push({ close: async () => connection?.disconnect() });
    }

    const standingReactor = new CustomerStandingReactor(
      store,
      policies,
      clock,
      openClocksOfCustomer(runner, clocks),
      (ticketId, refusal) =>
        this.logger.warn(`ticket ${ticketId} refused its customer's standing: ${refusal.code}: ${refusal.message}`),
    );
    const [timerProcessor] = [
      timerReactor,
      new AlertReactor(this.alerts, clock, store, {
        staleAfterMs: config.ALERT_RETRY_HORIZON_MS,
        onFirstStale: (event) =>
          this.logger.log(
            `alert events recorded more than ${config.ALERT_RETRY_HORIZON_MS / 3_600_000} h ago are not sent again (the log is being replayed from ${event.position}, its checkpoint was lost or reset)`,
          ),
      }),
      standingReactor,
    ].map((reactor) => {
      const processor = startReactor(store, checkpoints, reactor, { clock, logger: this.logger });
      this.processors.add(processor);
      this.users.unshift(processor);
      return processor;
    });
    if (connection)
      await this.keepTimers(scheduler, runner, timerProcessor as LogProcessor, clocks, policies, connection);
    this.logger.log(`timers ${redisUrl ? 'on BullMQ' : 'in process'}, reactors following the log`);
  }

  /** Processors first, then workers and in-process timers, which wait for their handlers: all before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.starting;
    for (const user of this.users.splice(0)) await user.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const resource of this.resources.splice(0).reverse()) await resource.close();
  }

  /**
   * The api's read models when this process has them, else this worker's open clocks, caught up before use; `null`
   * when the application stops first.
   */
  private async openClocks(): Promise<{ readonly runner: ProjectionRunner; readonly db: ReadModelDb } | null> {
    if (this.readModels && this.readModelDb) {
      const { signal } = this.shutdown;
      await Promise.race([
        this.readModels.whenLive(),
        new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })),
      ]);
      return signal.aborted ? null : { runner: this.readModels, db: this.readModelDb };
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

  /**
   * While the reactors run, Redis may lose the timers (a restart without persistence, an eviction): every pending
   * timer is restored from the open clocks when Redis comes back as another server (`run_id`), at each reconnection
   * and every `TIMER_RECONCILE_INTERVAL_MS`, once the open clocks have caught up with the timer reactor.
   */
  private async keepTimers(
    scheduler: TimerScheduler,
    runner: ProjectionRunner,
    timerProcessor: LogProcessor,
    clocks: OpenClocks,
    policies: PolicySource,
    connection: Redis,
  ): Promise<void> {
    const interval = this.config.TIMER_RECONCILE_INTERVAL_MS;
    const keeper = new TimerKeeper({
      scheduler,
      logger: this.logger,
      maxBackoffMs: interval,
      implied: async () => {
        const position = timerProcessor.status.checkpoint;
        if (position !== undefined) await runner.waitFor(position, interval);
        return [...impliedTimers(clocks, await policies.current())];
      },
    });
    const watch = await RedisIdentityWatch.start(
      connection,
      (change) => void keeper.request(change),
      (error) => this.logger.debug(`Redis run_id not read: ${error.message}`),
    );
    const periodic = setInterval(() => void watch.check().then(() => keeper.request({ kind: 'periodic' })), interval);
    periodic.unref();
    this.users.unshift({
      stop: async () => {
        clearInterval(periodic);
        watch.stop();
        await keeper.stop();
      },
    });
  }

  private giveUp(timer: Timer, error: unknown, attempts: number): void {
    const { level, message } = timerGivenUpLine(timer, error, attempts);
    this.logger[level](message);
  }

  private stopOnShutdown(worker: BullJobWorker): void {
    this.users.push({ stop: () => worker.close() });
  }
}
