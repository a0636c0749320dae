import { z } from 'zod';

export const PLANS = ['standard', 'priority', 'premium'] as const;
export const CHANNELS = ['forum', 'email', 'phone'] as const;
export const SERVICES = ['data-migration'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const ALERT_ROLES = ['agent', 'lead', 'ops', 'manager', 'admin'] as const;
export const STAFF_ROLES = ['agent', 'lead', 'ops', 'auditor', 'admin'] as const;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const VERSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const toMinutes = (time: string): number => {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
};

const interval = z
  .tuple([z.string().regex(TIME, 'expected HH:mm'), z.string().regex(TIME, 'expected HH:mm')])
  .refine(([start, end]) => toMinutes(end) > toMinutes(start), 'an interval must end after it starts');

const day = z
  .array(interval)
  .refine(
    (intervals) =>
      [...intervals]
        .sort((a, b) => toMinutes(a[0]) - toMinutes(b[0]))
        .every((current, i, sorted) => i === 0 || toMinutes(current[0]) >= toMinutes(sorted[i - 1]?.[1] ?? '00:00')),
    'intervals of a day must not overlap',
  );

const isValidZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const positive = z.number().finite().positive();

const isDistinct = (values: readonly string[]): boolean => new Set(values).size === values.length;

const allowance = z.union([
  z.strictObject({ businessDays: positive }),
  z.strictObject({ businessHours: positive }),
  z.strictObject({ businessMinutes: positive }),
]);

const escalation = z
  .strictObject({
    atRiskPercent: z.number().gt(0).lt(100),
    escalationDelayBusinessMinutes: z.number().int().nonnegative(),
    recipients: z.strictObject({
      atRisk: z.array(z.enum(ALERT_ROLES)).min(1),
      breach: z.array(z.enum(ALERT_ROLES)).min(1),
      escalation: z.array(z.enum(ALERT_ROLES)).min(1),
    }),
  })
  .describe('the escalation ladder of a plan (POLICY §7)');

const plan = z.strictObject({
  handlingPriority: z.enum(['standard', 'priority']),
  firstResponseAllowance: allowance,
  channels: z.array(z.enum(CHANNELS)).min(1).refine(isDistinct, 'duplicate channel'),
  services: z.array(z.enum(SERVICES)).refine(isDistinct, 'duplicate service'),
  minimumLicences: z.number().int().nonnegative(),
  escalation,
});

const calendar = z.strictObject({
  id: z.string().regex(VERSION_ID, 'expected letters, digits, dot, dash or underscore'),
  timeZone: z.string().refine(isValidZone, 'unknown IANA time zone'),
  weekly: z
    .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, day])) as Record<(typeof WEEKDAYS)[number], typeof day>)
    .refine(
      (week) => Object.values(week).some((intervals) => intervals.length > 0),
      'the calendar has no support hours',
    ),
  fullDayMinutes: positive.optional(),
  holidays: z.strictObject({
    rules: z.enum(['quebec-statutory', 'none']),
    easter: z.enum(['good-friday', 'easter-monday', 'both']),
    weekendRule: z.enum(['none', 'next-weekday', 'nearest-weekday']),
    extraClosures: z.array(z.string().regex(DATE, 'expected YYYY-MM-DD')),
  }),
});

const relaxation = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('extend'), factor: z.number().finite().gt(1).max(100) }),
  z.strictObject({ mode: z.literal('suspend') }),
]);

const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CAD');

/** The schema of a policy version document: everything POLICY.md calls a parameter. */
export const policyVersionSchema = z.strictObject({
  version: z.string().regex(VERSION_ID, 'expected letters, digits, dot, dash or underscore'),
  effectiveFrom: z
    .string()
    .regex(ISO_INSTANT, 'expected an ISO-8601 instant with an offset')
    .refine((instant) => !Number.isNaN(Date.parse(instant)), 'not a real instant'),
  plans: z.strictObject({ standard: plan, priority: plan, premium: plan }),
  calendar,
  excessiveUse: z.strictObject({
    relaxation,
    suggestion: z.strictObject({
      ticketsPerLicence: positive,
      windowDays: z.number().int().positive().max(366),
    }),
  }),
  outOfScopeCategories: z
    .array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case category'))
    .refine(isDistinct, 'duplicate category'),
  professionalServices: z.strictObject({
    isAvailable: z.boolean(),
    currency,
    hourlyRate: positive,
    maxHoursPerEntry: positive.max(24),
  }),
  discretion: z.strictObject({
    waiverRoles: z.array(z.enum(STAFF_ROLES)).min(1),
    replanRoles: z.array(z.enum(STAFF_ROLES)).min(1),
  }),
});

export type PolicyVersionDocument = z.infer<typeof policyVersionSchema>;
export type Plan = (typeof PLANS)[number];
export type Channel = (typeof CHANNELS)[number];
export type Service = (typeof SERVICES)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type AlertRole = (typeof ALERT_ROLES)[number];
export type PlanTerms = PolicyVersionDocument['plans'][Plan];
export type EscalationLadder = PlanTerms['escalation'];
export type Relaxation = PolicyVersionDocument['excessiveUse']['relaxation'];
export type CalendarSpec = PolicyVersionDocument['calendar'];
