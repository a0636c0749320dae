export { CLOCK } from './clock';
export type { Clock, Instant } from './clock';
export { SystemClock } from './system-clock';
export { FixedClock, InvalidInstant } from './fixed-clock';
