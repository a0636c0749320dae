import { Test } from '@nestjs/testing';
import { CLOCK, type Clock, SystemClock } from '@app/clock';
import {
  BullTimerScheduler,
  InProcessTimerScheduler,
  type Timer,
  TIMER_SCHEDULER,
  TimerHandlerMissing,
  type TimerScheduler,
  TimersModule,
} from '@app/scheduling';
import { Global, Module } from '@nestjs/common';
import { aTimer, REDIS_URL, requireRedis, uniqueQueueName, waitFor } from './support';

@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
class ClockModule {}

const boot = async (redisUrl: string | undefined, queueName: string, fired?: Timer[]) => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ClockModule,
      TimersModule.forRootAsync({
        inject: [CLOCK],
        useFactory: (clock: Clock) => ({
          clock,
          queueName,
          ...(redisUrl === undefined ? {} : { redisUrl }),
          ...(fired === undefined ? {} : { handler: async (timer: Timer) => void fired.push(timer) }),
        }),
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
};

const dueNow = (): Timer => aTimer({ dueAt: new SystemClock().now() });

describe('TimersModule', () => {
  it('runs in-process timers without Redis and stops them on shutdown', async () => {
    const fired: Timer[] = [];
    const app = await boot(undefined, uniqueQueueName(), fired);
    const scheduler = app.get<TimerScheduler>(TIMER_SCHEDULER);
    const timer = dueNow();

    await scheduler.schedule(timer);
    await waitFor('the timer to fire', () => fired.length === 1);
    await app.close();

    expect(scheduler).toBeInstanceOf(InProcessTimerScheduler);
    expect(fired).toEqual([timer]);
  });

  it('refuses in-process timers without a handler', async () => {
    await expect(boot(undefined, uniqueQueueName())).rejects.toBeInstanceOf(TimerHandlerMissing);
  });

  it('schedules on BullMQ when given a Redis URL, fires in the worker, and shuts down', async () => {
    await requireRedis();
    const queueName = uniqueQueueName();
    const fired: Timer[] = [];
    const app = await boot(REDIS_URL, queueName, fired);
    const scheduler = app.get<TimerScheduler>(TIMER_SCHEDULER);
    const timer = dueNow();

    await scheduler.schedule(timer);
    await waitFor('the timer to fire', () => fired.length === 1);
    await (scheduler as BullTimerScheduler).destroy();
    await app.close();

    expect(scheduler).toBeInstanceOf(BullTimerScheduler);
    expect(fired).toEqual([timer]);
  });
});
