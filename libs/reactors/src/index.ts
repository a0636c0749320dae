export { impliedTimers } from './implied-timers';
export {
  FiredTimerHandler,
  isGivingUp,
  TIMER_ACTOR,
  TimerFiredEarly,
  timerGivenUpLine,
  TimerRefused,
} from './fired-timer.handler';
export { TimerReactor } from './timer-reactor';
export { AlertReactor, alertOf } from './alert-reactor';
export { CustomerStandingReactor } from './customer-standing-reactor';
export type { OpenClocksOfCustomer } from './customer-standing-reactor';
export { reactorFollower, startReactor } from './reactor-follower';
export type { Reactor } from './reactor-follower';
export { InMemoryCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';
export type { CheckpointStore } from './checkpoint-store';
export { PolicyVersionNotLoaded, timersOfTicket } from './ticket-timers';
export { openClocksOfCustomer } from './open-clocks-of-customer';
export { TimerKeeper } from './timer-keeper';
export type { RestoreReason, TimerKeeperLogger, TimerKeeperOptions } from './timer-keeper';
