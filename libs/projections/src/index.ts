export type { ApplyEvent, Projection } from './runner/projection';
export { openReadModelDb, type ReadModelDb } from './runner/read-model-db';
export {
  LAG_COUNT_LIMIT,
  ProjectionRunner,
  type CatchUpProgress,
  type ProjectionLag,
  type ProjectionRunnerOptions,
  type RunnerState,
} from './runner/projection-runner';
