import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Clock } from '@app/clock';
import type { BullJobWorker, RetryPolicy } from '../jobs/bull-jobs';
import { BullTimerScheduler, DEFAULT_TIMER_RETRY, startBullTimerWorker } from './bull-timer-scheduler';
import { InProcessTimerScheduler } from './in-process-timer-scheduler';
import { TIMER_SCHEDULER, type TimerHandler, type TimerScheduler } from './timer-scheduler.port';

export interface TimersModuleOptions {
  readonly clock: Clock;
  /** Unset: in-process timers (embedded mode). Set: BullMQ delayed jobs on that Redis. */
  readonly redisUrl?: string;
  /** Default `sla-timers`. */
  readonly queueName?: string;
  /** BullMQ key prefix; default `bull`. */
  readonly prefix?: string;
  /** Fires due timers in this process. Required in embedded mode; with Redis, only worker processes pass it. */
  readonly handler?: TimerHandler;
  /** Timers handled at once per worker process; default 16. */
  readonly concurrency?: number;
  /** Default {@link DEFAULT_TIMER_RETRY}: 10 attempts, exponential from 1 s. */
  readonly retry?: RetryPolicy;
}

export interface TimersModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: readonly (string | symbol | (abstract new (...args: never[]) => unknown))[];
  readonly useFactory: (...args: never[]) => TimersModuleOptions | Promise<TimersModuleOptions>;
}

/** Thrown at start when in-process timers are asked for without a handler: nothing would ever fire. */
export class TimerHandlerMissing extends Error {
  readonly code = 'timer-handler-missing';
  constructor() {
    super('in-process timers (no Redis URL) need a handler to fire');
  }
}

const TIMER_WORKER = Symbol('TimerWorker');
const DEFAULT_QUEUE = 'sla-timers';

const openScheduler = async (options: TimersModuleOptions, logger: Logger): Promise<TimerScheduler> => {
  const retry = options.retry ?? DEFAULT_TIMER_RETRY;
  if (options.redisUrl === undefined) {
    if (!options.handler) throw new TimerHandlerMissing();
    return new InProcessTimerScheduler(options.clock, {
      handler: options.handler,
      retry,
      onFailure: (timer, error) => logger.error(`timer ${timer.id} failed on every attempt: ${String(error)}`),
    });
  }
  return BullTimerScheduler.open(
    {
      redisUrl: options.redisUrl,
      queueName: options.queueName ?? DEFAULT_QUEUE,
      retry,
      onError: (error) => logger.error(`timer queue: ${error.message}`),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    },
    options.clock,
  );
};

const startWorker = async (options: TimersModuleOptions, logger: Logger): Promise<BullJobWorker | undefined> => {
  if (options.redisUrl === undefined || !options.handler) return undefined;
  return startBullTimerWorker({
    redisUrl: options.redisUrl,
    queueName: options.queueName ?? DEFAULT_QUEUE,
    handler: options.handler,
    onError: (error) => logger.error(`timer worker: ${error.message}`),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
};

/**
 * Provides the {@link TimerScheduler} under {@link TIMER_SCHEDULER}, on BullMQ when a Redis URL is given and
 * in-process otherwise, and runs a timer worker when a handler is given. Everything is closed on shutdown.
 */
@Module({})
export class TimersModule implements OnApplicationShutdown {
  constructor(
    @Inject(TIMER_SCHEDULER) private readonly scheduler: TimerScheduler,
    @Inject(TIMER_WORKER) private readonly worker: BullJobWorker | undefined,
  ) {}

  static forRootAsync(options: TimersModuleAsyncOptions): DynamicModule {
    const OPTIONS = Symbol('TimersModuleOptions');
    const logger = new Logger('Timers');
    return {
      module: TimersModule,
      imports: options.imports ?? [],
      providers: [
        { provide: OPTIONS, inject: [...(options.inject ?? [])], useFactory: options.useFactory },
        {
          provide: TIMER_SCHEDULER,
          inject: [OPTIONS],
          useFactory: (o: TimersModuleOptions) => openScheduler(o, logger),
        },
        { provide: TIMER_WORKER, inject: [OPTIONS], useFactory: (o: TimersModuleOptions) => startWorker(o, logger) },
      ],
      exports: [TIMER_SCHEDULER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.scheduler.close();
  }
}
