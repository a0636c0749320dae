import { stringify } from 'csv-stringify/sync';
import type { AgentReportRow, BreachRow, ComplianceRow, CustomerReportRow } from './report-queries';

const COMPLIANCE_COLUMNS: readonly (keyof ComplianceRow & string)[] = [
  'plan',
  'period',
  'periodStart',
  'periodStartLocal',
  'periodEnd',
  'periodEndLocal',
  'zone',
  'applicable',
  'met',
  'missed',
  'open',
  'rate',
  'medianSupportMinutes',
  'p90SupportMinutes',
  'medianCalendarMinutes',
  'p90CalendarMinutes',
];
const BREACH_COLUMNS: readonly (keyof BreachRow & string)[] = [
  'alertId',
  'kind',
  'ticketId',
  'externalRef',
  'customerId',
  'customerName',
  'plan',
  'channel',
  'subject',
  'period',
  'deadline',
  'deadlineLocal',
  'occurredAt',
  'occurredAtLocal',
  'detectedAt',
  'zone',
  'level',
  'respondedBy',
  'policyVersion',
];
const CUSTOMER_COLUMNS: readonly (keyof CustomerReportRow & string)[] = [
  'customerId',
  'name',
  'externalRefs',
  'plan',
  'licences',
  'tickets',
  'met',
  'missed',
  'open',
  'ticketsPerLicence',
  'usageWindowDays',
  'billed',
];
const AGENT_COLUMNS: readonly (keyof AgentReportRow & string)[] = [
  'agent',
  'responses',
  'met',
  'missed',
  'medianSupportMinutes',
  'medianCalendarMinutes',
];

/** The columns of each report, in the order of its CSV and of its JSON fields. */
export const REPORT_COLUMNS = {
  compliance: COMPLIANCE_COLUMNS,
  breaches: BREACH_COLUMNS,
  customers: CUSTOMER_COLUMNS,
  agents: AGENT_COLUMNS,
} as const;

const isExternalRef = (value: object): value is { source: string; externalId: string } =>
  'source' in value && 'externalId' in value;

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join('; ');
  // As `?externalRef=` takes it: `zendesk:35436`.
  if (typeof value === 'object' && isExternalRef(value)) return `${value.source}:${value.externalId}`;
  if (typeof value === 'object') return Object.values(value).map(cell).join(' ');
  return String(value);
};

/** RFC 4180 CSV: a header row of `columns`, CRLF line ends; empty for `null`, lists joined by `; `, a ticket's reference as `source:id`. */
export const toCsv = <Row extends object>(columns: readonly (keyof Row & string)[], rows: readonly Row[]): string =>
  stringify(
    rows.map((row) => columns.map((column) => cell(row[column]))),
    { header: true, columns: [...columns], record_delimiter: 'windows' },
  );
