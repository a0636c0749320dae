export { ALERT_DELIVERY_QUEUE, TIMER_QUEUE } from './queues';
export { createRedisConnection, pingRedis, whenRedisReady } from './redis/redis-connection';
export type { RedisRole } from './redis/redis-connection';
export { REDIS, RedisModule } from './redis/redis.module';
export { HEARTBEAT_TTL_MS, liveWorkers, WorkerHeartbeat, workerIdOfThisProcess } from './redis/worker-heartbeat';
export type { WorkerBeat } from './redis/worker-heartbeat';
export {
  BullJobQueue,
  BullJobWorker,
  MalformedJob,
  PermanentJobFailure,
  RedisUnavailable,
  warnOncePerRun,
} from './jobs/bull-jobs';
export type {
  ErrorListener,
  FailedJob,
  JobContext,
  JobQueueOptions,
  JobWorkerOptions,
  NewJob,
  QueuedJob,
  QueueLocation,
  RetryingJob,
  RetryOutcome,
  RetryPolicy,
} from './jobs/bull-jobs';
export { alertRetryPolicy, cappedBackoffMs, InvalidRetryHorizon, retryPolicyWithin } from './jobs/retry-policy';
export type { AlertRetrySettings, RetryHorizon } from './jobs/retry-policy';
export { assertValidTimerId, delayUntil, InvalidDueInstant, timerPayloadSchema } from './timers/timer';
export type { Timer, TimerPayload } from './timers/timer';
export type { TimerAttempt, TimerHandler, TimerScheduler } from './timers/timer-scheduler.port';
export { BullTimerScheduler, DEFAULT_TIMER_RETRY, startBullTimerWorker } from './timers/bull-timer-scheduler';
export type { BullTimerSchedulerOptions, BullTimerWorkerOptions } from './timers/bull-timer-scheduler';
export { InProcessTimerScheduler } from './timers/in-process-timer-scheduler';
export type { InProcessTimerOptions } from './timers/in-process-timer-scheduler';
export { diffTimers, reconcileTimers, restoreMissingTimers } from './reconciliation/reconcile-timers';
export type { ReconciliationReport, RestorationReport, TimerDiff } from './reconciliation/reconcile-timers';
export { RedisIdentityWatch, redisRunId } from './redis/redis-identity';
export type { RedisChange } from './redis/redis-identity';
