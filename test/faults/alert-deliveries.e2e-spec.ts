import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALERT_KINDS,
  type AlertDelivery,
  type AlertKind,
  IDEMPOTENCY_KEY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookIdempotencyKey,
  type WebhookTarget,
} from '@app/alerts';
import { SystemClock } from '@app/clock';
import { FIRST_RESPONSE_CLOCK, UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore } from '@app/event-store';
import { Scenario } from '@app/projections/test-support/scenario';
import { type RetryHorizon, retryPolicyWithin } from '@app/scheduling';
import { type RunningProcess, runApp } from '../support/process';
import { OwnRedis, type Received, Receiver, waitFor } from '../timers/support';

const ROOT = join(__dirname, '..', '..');
const SECRET = 'a-webhook-secret-for-the-fault-tests';
const OPS_KEY = 'ops-key-for-the-fault-tests-0123';
const AGENT_KEY = 'agent-key-for-the-fault-tests-0123';
const KIND_OF_EVENT: Readonly<Record<string, AlertKind>> = {
  SlaAtRisk: 'at-risk',
  SlaBreached: 'breach',
  SlaBreachEscalated: 'escalation',
  SlaAtRiskRetracted: 'at-risk-retracted',
  SlaBreachRetracted: 'breach-retracted',
  SlaEscalationRetracted: 'escalation-retracted',
};

/** A delivery the event log implies: one per alert event and configured target of its recipients. */
interface Expected {
  readonly kind: AlertKind;
  readonly alertId: string;
  readonly ticketId: string;
  readonly target: WebhookTarget;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly json: Record<string, unknown>;
}

const keyOf = (request: Received): string => String(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]);

/**
 * A premium ticket answered late, with every outcome recorded (at-risk, breach, escalation), then a response dated
 * before the at-risk instant, which retracts all three: one alert of each of the six kinds.
 */
const DAY_MS = 86_400_000;
const at = (ms: number): string => new Date(ms).toISOString();

/**
 * A ticket received a week from now whose at-risk, breach and escalation are recorded when each fell due, then a
 * response dated before the deadline retracts them: alerts of all six kinds, none of them moot (an at-risk warning
 * is not sent once its deadline has passed, so the deadline must lie ahead of the wall clock).
 */
const writeTicketWithEveryAlert = async (scenario: Scenario): Promise<void> => {
  const customerId = `customer-${randomUUID()}`;
  const ticketId = randomUUID();
  const receivedMs = Date.now() + 7 * DAY_MS;
  await scenario.customer(
    { type: 'RegisterCustomer', data: { customerId, name: 'Acme', licences: 20, plan: 'premium' } },
    at(receivedMs - DAY_MS),
  );
  await scenario.ticket(
    {
      type: 'OpenTicket',
      data: { ticketId, customerId, channel: 'email', subject: 'Import fails', receivedAt: at(receivedMs) },
    },
    at(receivedMs),
  );
  const opened = scenario.ticketState(ticketId);
  if (opened.status !== 'Open' || opened.clock.status !== 'Running') throw new Error('the ticket did not open running');
  const { atRiskDueAt, deadline } = opened.clock;
  const deadlineMs = Date.parse(deadline);
  const outcomes = [
    ['RecordSlaAtRisk', atRiskDueAt ?? deadline],
    ['RecordSlaBreach', deadline],
    // A week after the deadline is past the escalation delay, whatever the calendar.
    ['EscalateSlaBreach', at(deadlineMs + 7 * DAY_MS)],
  ] as const;
  for (const [type, now] of outcomes) {
    const state = scenario.ticketState(ticketId);
    const timerGeneration = state.status === 'NotOpened' ? 0 : state.clock.timerGeneration;
    await scenario.ticket({ type, data: { ticketId, clockId: FIRST_RESPONSE_CLOCK, timerGeneration } }, now, 'system');
  }
  await scenario.ticket(
    { type: 'RecordResponse', data: { ticketId, respondedAt: at(receivedMs + 60_000) } },
    at(deadlineMs + 7 * DAY_MS + 60_000),
  );
};

/**
 * A private redis-server, one SQLite log written by the test before the processes start (so nothing else appends
 * to its tickets meanwhile), an api and a worker process run from source, and a local receiver for three roles.
 */
class AlertsEngine {
  private readonly processes: RunningProcess[] = [];
  private apiUrl = '';
  private worker: RunningProcess | undefined;

  private constructor(
    private readonly dir: string,
    private readonly redis: OwnRedis,
    readonly receiver: Receiver,
    readonly store: EventStore,
    readonly targets: readonly WebhookTarget[],
    private readonly env: Record<string, string>,
  ) {}

  static async start(horizon: RetryHorizon, tickets: number, answer: (path: string) => number): Promise<AlertsEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'faults-alerts-'));
    const redis = await OwnRedis.start();
    const receiver = await Receiver.start(answer);
    const targets: WebhookTarget[] = [
      { role: 'ops', url: receiver.url('/ops') },
      { role: 'lead', url: receiver.url('/lead') },
      { role: 'manager', url: receiver.url('/manager') },
    ];
    const eventStoreUrl = `sqlite:${join(dir, 'events.db')}`;
    const store = await openEventStore(eventStoreUrl, UPCASTERS);
    const scenario = new Scenario(store);
    for (let i = 0; i < tickets; i += 1) await writeTicketWithEveryAlert(scenario);
    const env = {
      EVENT_STORE_URL: eventStoreUrl,
      POLICIES_DIR: join(ROOT, 'policies'),
      // The test polls the delivery list every few milliseconds: far above the default limit a minute.
      RATE_LIMIT_PER_MINUTE: '1000000',
      API_KEYS_FILE: join(dir, 'api-keys.json'),
      API_KEYS: `ops1:ops:${OPS_KEY},agent1:agent:${AGENT_KEY}`,
      REDIS_URL: redis.url,
      ALERT_WEBHOOKS: targets.map(({ role, url }) => `${role}=${url}`).join(','),
      ALERT_WEBHOOK_SECRET: SECRET,
      ALERT_RETRY_HORIZON_MS: String(horizon.horizonMs),
      ALERT_RETRY_BACKOFF_MS: String(horizon.backoffMs),
      ALERT_RETRY_MAX_BACKOFF_MS: String(horizon.maxBackoffMs),
    };
    const engine = new AlertsEngine(dir, redis, receiver, store, targets, env);
    await Promise.all([engine.startApi(), engine.startWorker()]);
    return engine;
  }

  private async startApi(): Promise<void> {
    const api = this.run('api', { PORT: '0', HOST: '127.0.0.1', READ_MODELS_PATH: join(this.dir, 'api.db') });
    const serving = JSON.parse(await api.waitForLine(/serving on/, 60_000)) as { msg: string };
    this.apiUrl = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
  }

  private async startWorker(): Promise<void> {
    this.worker = this.run('worker', { READ_MODELS_PATH: join(this.dir, 'worker.db') });
    await this.worker.waitForLine(/"worker started"/, 60_000);
  }

  private run(app: 'api' | 'worker' | 'cli', env: Record<string, string>, args: string[] = []): RunningProcess {
    const running = runApp(app, { ...this.env, ...env }, args);
    this.processes.push(running);
    return running;
  }

  async call(method: string, path: string, as: string | null = OPS_KEY, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        ...(as ? { authorization: `Bearer ${as}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, contentType, json: /json/.test(contentType) ? JSON.parse(text) : { text } };
  }

  async deliveries(query: string): Promise<AlertDelivery[]> {
    const answer = await this.call('GET', `/alerts/deliveries?limit=500&${query}`);
    if (answer.status !== 200) throw new Error(`GET /alerts/deliveries answered ${answer.status}`);
    return answer.json.items as AlertDelivery[];
  }

  async gauge(state: 'retrying' | 'parked'): Promise<number> {
    const metrics = String((await this.call('GET', '/metrics')).json.text);
    const line = metrics
      .split('\n')
      .find((candidate) => candidate.startsWith(`sla_alert_deliveries{state="${state}"}`));
    return Number(line?.split(' ')[1]);
  }

  /** Every delivery the log implies, by Idempotency-Key. */
  async expected(): Promise<Map<string, Expected>> {
    const expected = new Map<string, Expected>();
    for await (const event of this.store.readAll({ filter: { eventTypes: Object.keys(KIND_OF_EVENT) } })) {
      const { ticketId, recipients } = event.data as { ticketId: string; recipients: string[] };
      for (const target of this.targets.filter(({ role }) => recipients.includes(role))) {
        const kind = KIND_OF_EVENT[event.type] as AlertKind;
        expected.set(webhookIdempotencyKey(event.id, target), { kind, alertId: event.id, ticketId, target });
      }
    }
    return expected;
  }

  /** The worker's log lines about deliveries, by what they say and for which delivery. */
  deliveryLines(pattern: RegExp): string[] {
    return (this.worker?.stdout() ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg))
      .flatMap((msg) => pattern.exec(msg)?.slice(1, 2) ?? []);
  }

  async cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const cli = this.run('cli', { READ_MODELS_PATH: join(this.dir, 'cli.db'), LOG_LEVEL: 'silent' }, args);
    const { code } = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  async close(): Promise<void> {
    for (const running of this.processes) {
      if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGTERM');
      await running.exited;
    }
    await this.store.close();
    await this.receiver.close();
    await this.redis.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const statusesByKey = (requests: readonly Received[]): Map<string, number[]> => {
  const byKey = new Map<string, number[]>();
  for (const request of requests) byKey.set(keyOf(request), [...(byKey.get(keyOf(request)) ?? []), request.status]);
  return byKey;
};

const isOk = (status: number): boolean => status >= 200 && status < 300;

const FIRST_FAILURE = /^alert delivery (\S+) .* failed: /;
const RECOVERED = /^alert delivery (\S+) .* delivered at try \d+$/;
const PARKED = /^alert delivery (\S+) .* parked after \d+ tries: .*POST \/alerts\/deliveries\/redrive/;

describe('webhook deliveries are not lost to time (api and worker processes, a Redis of their own)', () => {
  let engine: AlertsEngine | undefined;

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('delivers every alert exactly once per target after a receiver answering 500 recovers', async () => {
    let isDown = true;
    engine = await AlertsEngine.start({ horizonMs: 60_000, backoffMs: 50, maxBackoffMs: 200 }, 3, () =>
      isDown ? 500 : 200,
    );
    const running = engine;
    const expected = await running.expected();
    expect(new Set([...expected.values()].map(({ kind }) => kind))).toEqual(new Set(ALERT_KINDS));

    await waitFor(
      'every delivery to be retrying',
      async () => (await running.deliveries('state=retrying')).length === expected.size,
      60_000,
    );
    const retrying = await running.deliveries('state=retrying');
    expect(new Set(retrying.map(({ deliveryId }) => deliveryId))).toEqual(new Set(expected.keys()));
    expect(await running.gauge('retrying')).toBe(expected.size);
    expect(await running.gauge('parked')).toBe(0);

    isDown = false;
    await waitFor(
      'every delivery to arrive',
      () => [...statusesByKey(running.receiver.requests).values()].filter((s) => s.some(isOk)).length === expected.size,
      60_000,
    );
    await waitFor('no delivery left retrying', async () => (await running.deliveries('')).length === 0, 30_000);

    const byKey = statusesByKey(running.receiver.requests);
    expect(new Set(byKey.keys())).toEqual(new Set(expected.keys()));
    for (const [key, statuses] of byKey) {
      expect([key, statuses.filter(isOk).length, statuses.at(-1), statuses[0]]).toEqual([key, 1, 200, 500]);
    }
    const keys = [...expected.keys()].sort();
    expect(running.deliveryLines(FIRST_FAILURE).sort()).toEqual(keys);
    expect(running.deliveryLines(RECOVERED).sort()).toEqual(keys);
    expect(running.deliveryLines(PARKED)).toEqual([]);
    expect(await running.gauge('retrying')).toBe(0);
  }, 180_000);

  it('parks the deliveries to a receiver down for good, lists each kind, and sends them again once it is back', async () => {
    const horizon: RetryHorizon = { horizonMs: 1_000, backoffMs: 50, maxBackoffMs: 200 };
    const { attempts } = retryPolicyWithin(horizon);
    let isDown = true;
    engine = await AlertsEngine.start(horizon, 2, () => (isDown ? 503 : 200));
    const running = engine;
    const expected = await running.expected();

    await waitFor(
      'every delivery to park',
      async () => (await running.deliveries('state=parked')).length === expected.size,
      60_000,
    );
    const parked = await running.deliveries('state=parked');
    for (const delivery of parked) {
      const implied = expected.get(delivery.deliveryId);
      expect(delivery).toEqual({
        deliveryId: delivery.deliveryId,
        state: 'parked',
        alertId: implied?.alertId,
        kind: implied?.kind,
        ticketId: implied?.ticketId,
        externalRef: null,
        clockId: FIRST_RESPONSE_CLOCK,
        target: implied?.target,
        attempts,
        maxAttempts: attempts,
        lastError: `${implied?.target.url} answered 503`,
        lastAttemptAt: expect.any(String),
        nextAttemptAt: null,
        parkedAt: expect.any(String),
      });
    }
    expect(new Set(parked.map(({ deliveryId }) => deliveryId))).toEqual(new Set(expected.keys()));
    for (const kind of ALERT_KINDS) {
      const ofKind = [...expected].filter(([, { kind: k }]) => k === kind).map(([key]) => key);
      const listed = await running.deliveries(`state=parked&kind=${kind}`);
      expect([kind, listed.map(({ deliveryId }) => deliveryId).sort()]).toEqual([kind, ofKind.sort()]);
    }
    expect(await running.deliveries('state=retrying')).toEqual([]);
    expect(await running.gauge('parked')).toBe(expected.size);
    expect((await running.call('GET', '/health', null)).status).toBe(200);
    const keys = [...expected.keys()].sort();
    expect(running.deliveryLines(PARKED).sort()).toEqual(keys);
    expect(running.deliveryLines(FIRST_FAILURE).sort()).toEqual(keys);

    const refusals = await Promise.all([
      running.call('GET', '/alerts/deliveries?state=lost'),
      running.call('GET', '/alerts/deliveries?kind=outage'),
      running.call('POST', '/alerts/deliveries/redrive', OPS_KEY, {}),
      running.call('POST', '/alerts/deliveries/redrive', OPS_KEY, { deliveryId: 'no-such-delivery' }),
      running.call('GET', '/alerts/deliveries', AGENT_KEY),
      running.call('POST', '/alerts/deliveries/redrive', null, { all: true }),
    ]);
    expect(refusals.map(({ status, contentType, json }) => [status, contentType.split(';')[0], json.code])).toEqual([
      [400, 'application/problem+json', 'invalid-request'],
      [400, 'application/problem+json', 'invalid-request'],
      [400, 'application/problem+json', 'invalid-request'],
      [404, 'application/problem+json', 'delivery-not-found'],
      [403, 'application/problem+json', 'role-not-allowed'],
      [401, 'application/problem+json', 'missing-api-key'],
    ]);

    isDown = false;
    const [first] = parked.filter(({ kind }) => kind === 'at-risk');
    const one = await running.call('POST', '/alerts/deliveries/redrive', OPS_KEY, { deliveryId: first?.deliveryId });
    const breaches = await running.call('POST', '/alerts/deliveries/redrive', OPS_KEY, { kind: 'breach' });
    const cli = await running.cli(['redrive-alerts', '--all']);
    expect([one.status, breaches.status, cli.code]).toEqual([200, 200, 0]);
    const redrivenBy = (answer: Record<string, unknown>): string[] =>
      (answer.redriven as AlertDelivery[]).map(({ deliveryId }) => deliveryId).sort();
    const breachKeys = [...expected].filter(([, { kind }]) => kind === 'breach').map(([key]) => key);
    expect(redrivenBy(one.json)).toEqual([first?.deliveryId]);
    expect(redrivenBy(breaches.json)).toEqual(breachKeys.sort());
    expect(redrivenBy(JSON.parse(cli.stdout) as Record<string, unknown>)).toEqual(
      keys.filter((key) => key !== first?.deliveryId && !breachKeys.includes(key)),
    );

    await waitFor(
      'every delivery to arrive',
      () => [...statusesByKey(running.receiver.requests).values()].filter((s) => s.some(isOk)).length === expected.size,
      60_000,
    );
    const byKey = statusesByKey(running.receiver.requests);
    expect(new Set(byKey.keys())).toEqual(new Set(expected.keys()));
    for (const [key, statuses] of byKey) {
      expect([key, statuses]).toEqual([key, [...Array.from({ length: attempts }, () => 503), 200]]);
    }
    const now = new SystemClock().now();
    for (const request of running.receiver.requests.filter(({ status }) => isOk(status))) {
      const target = expected.get(keyOf(request))?.target as WebhookTarget;
      const signed = {
        body: request.body,
        timestamp: String(request.headers[TIMESTAMP_HEADER.toLowerCase()]),
        signature: String(request.headers[SIGNATURE_HEADER.toLowerCase()]),
        idempotencyKey: keyOf(request),
      };
      expect(verifyWebhookSignature(SECRET, signed, target, now)).toEqual({ isValid: true });
    }
    await waitFor('the parked list to empty', async () => (await running.deliveries('')).length === 0, 30_000);
    const again = await running.call('POST', '/alerts/deliveries/redrive', OPS_KEY, { deliveryId: first?.deliveryId });
    expect([again.status, again.json.code, again.json.state]).toEqual([409, 'delivery-not-parked', 'delivered']);
    expect((await running.cli(['redrive-alerts', '--delivery', 'no-such-delivery'])).code).toBe(1);
    expect((await running.cli(['redrive-alerts', '--kind', 'outage'])).code).toBe(2);
    expect((await running.cli(['redrive-alerts'])).code).toBe(2);
  }, 180_000);
});
