export { ReactorsModule } from './reactors.module';
export { ALERT_DELIVERY_QUEUE, ReactorsService, TIMER_QUEUE } from './reactors.service';
export { reconcileWithLog, impliedTimers } from './reconcile-with-log';
export type { LogReconciliation } from './reconcile-with-log';
export { FiredTimerHandler, TIMER_ACTOR, TimerFiredEarly, TimerRefused } from './fired-timer.handler';
export { TimerReactor } from './timer-reactor';
export { AlertReactor, alertOf } from './alert-reactor';
export { ReactorRunner } from './reactor-runner';
export type { Reactor, ReactorRunnerOptions } from './reactor-runner';
export { InMemoryCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';
export type { CheckpointStore } from './checkpoint-store';
export {
  fixedPolicies,
  loadPolicyBook,
  loadPolicyFiles,
  POLICY_VERSIONS_STREAM,
  PolicyFileRejected,
  PublishedPolicies,
} from './policy-files';
export type { PolicySource } from './policy-files';
export { PolicyVersionNotLoaded, timersOfTicket } from './ticket-timers';
