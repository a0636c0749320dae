export * from './sla-clock';
export * from './ticket.commands';
export * from './ticket.events';
export * from './ticket.errors';
export * from './recorded-ids';
export * from './ticket.state';
export * from './ticket.decider';
export {
  elapsedMinutesAt,
  InvalidTimerId,
  TIMER_KINDS,
  timerId,
  timerPlan,
  type PlannedTimer,
  type TimerKind,
} from './sla-timing';
export { clockCourse, snapshotOf as clockSnapshotOf, type ClockFact, type ClockStart } from './clock-timeline';
