export type { ApplyEvent, BoundProjection, Projection } from './runner/projection';
export {
  forgetReadModels,
  openReadModelDb,
  READ_MODEL_WAL_AUTOCHECKPOINT_PAGES,
  type ReadModelDb,
} from './runner/read-model-db';
export {
  ProjectionRunner,
  type CatchUpProgress,
  type ProjectionLag,
  type ProjectionRunnerOptions,
  type RunnerState,
} from './runner/projection-runner';
export { reportsProjection } from './reports/reports.projection';
export { REPORT_COLUMNS, toCsv } from './reports/report-csv';
export { isRangeOrdered, REPORT_FILTER_SHAPE } from './reports/report-filter';
export { clockOutcome, periodInstantOf, type ClockOutcome, type ReportClock } from './reports/clock-outcome';
export { localInstant, PERIODS, periodOf, type Period, type PeriodSpan } from './reports/periods';
export {
  ReportQueries,
  type AgentReportRow,
  type BreachRow,
  type ComplianceRow,
  type CustomerReportRow,
  type ReportFilter,
} from './reports/report-queries';
export { customersProjection } from './customers/customers.projection';
export { breachLogProjection } from './breach-log/breach-log.projection';
export { ticketDirectoryProjection } from './ticket-directory/ticket-directory.projection';
export {
  oldestOverdueDeadline,
  QUEUE_SORTS,
  ReadModelQueries,
  type BreachLogItem,
  type CustomerItem,
  type OpenQueueFilter,
  type OpenQueueItem,
  type TicketExternalRef,
  type Page,
  type PageRequest,
  type QueueSort,
} from './queries/read-model-queries';
export { READ_MODELS, WORKER_READ_MODELS } from './read-models';
export {
  OpenClocks,
  openClocksProjection,
  QUEUE_STATUSES,
  type OpenClockTicket,
  type QueueStatus,
} from './open-clocks/open-clocks.projection';
export {
  historyEntry,
  replayTicket,
  type ConsumedSupportInterval,
  type DeadlineExplanation,
  type DeadlineStep,
  type HistoryEntry,
  type TicketAsOf,
} from './audit/ticket-audit';
export { ProjectionsModule, READ_MODEL_DB, readModelsPathOf } from './nest/projections.module';
export {
  compareShadow,
  engineSlaView,
  SHADOW_CSV_COLUMNS,
  shadowCsvRow,
  summariseShadow,
  type EngineSlaOutcome,
  type EngineSlaView,
  type ShadowCsvRow,
  type ShadowExplanation,
  type ShadowPause,
  type ShadowRow,
  type ShadowSummary,
} from './shadow/shadow-comparison';
export { shadowReport, type ShadowReport } from './shadow/shadow-report';
