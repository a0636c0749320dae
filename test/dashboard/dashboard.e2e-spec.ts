import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import ticketCreated from '../api/fixtures/zendesk/ticket-created.json';
import { type Engine, KEYS, ROLES, startEngine } from '../api/support/engine';
import { eventually } from '@app/clock/test-support/eventually';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const ALLOWANCE_SECONDS = 15;
const ZENDESK_KEY = 'zendesk-key-0123456789abcdef';
const ZENDESK_WEBHOOK_SECRET = 'zendesk-webhook-secret-0123456789';

/** The first version with support around the clock and a premium allowance of a few seconds, so a breach comes fast. */
const fastPolicy = (): Record<string, unknown> => {
  const document = JSON.parse(readFileSync(join(ROOT, 'policies', '2017-11-23.json'), 'utf8')) as {
    plans: { premium: { firstResponseAllowance: unknown } };
    calendar: Record<string, unknown>;
  } & Record<string, unknown>;
  const allDay = [['00:00', '24:00']];
  document.plans.premium.firstResponseAllowance = { businessMinutes: ALLOWANCE_SECONDS / 60 };
  return {
    ...document,
    version: 'round-the-clock',
    effectiveFrom: '2000-01-01T00:00:00.000Z',
    calendar: {
      ...document.calendar,
      id: 'round-the-clock',
      timeZone: 'UTC',
      weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
      holidays: { rules: 'none', easter: 'good-friday', weekendRule: 'none', extraClosures: [] },
    },
  };
};

let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  profileDir = mkdtempSync(join(tmpdir(), 'sla-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

// The engine waits for open live streams when it closes.
const closePages = () => Promise.all(browser.pages().map((page) => page.close()));

const openWithKey = async (url: string): Promise<{ page: Page; errors: string[] }> => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator('#key').fill(KEYS.ops);
  await page.locator('#key-form button[type=submit]').click();
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  return { page, errors };
};

describe('the dashboard page in a browser', () => {
  let engine: Engine;
  let policiesDir: string;

  beforeAll(async () => {
    policiesDir = mkdtempSync(join(tmpdir(), 'sla-policies-'));
    writeFileSync(join(policiesDir, 'round-the-clock.json'), JSON.stringify(fastPolicy()));
    engine = await startEngine({
      env: {
        POLICIES_DIR: policiesDir,
        API_KEYS: [...ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`), `zendesk:integration:${ZENDESK_KEY}`].join(
          ',',
        ),
        ZENDESK_WEBHOOK_SECRET,
      },
    });
  });

  afterAll(async () => {
    await closePages();
    await engine?.close();
    rmSync(policiesDir, { recursive: true, force: true });
  });

  it('asks for a key once, shows a ticket opened through the API, then shows it breached when its timer fires', async () => {
    const { page, errors } = await openWithKey(engine.url);

    const customer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme Analytics', licences: 25, plan: 'premium' },
    });
    const ticket = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: { customerId: customer.json.id, channel: 'email', subject: 'Nightly import fails on large files' },
    });
    expect(ticket.status).toBe(201);
    const row = page.locator(`tr[data-ticket-id="${ticket.json.id as string}"]`);

    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-status')).not.toBe('breached');
    await expect(row.locator('.left').textContent()).resolves.toMatch(/^0h 00m \d\ds/);

    await page.locator(`tr[data-ticket-id="${ticket.json.id as string}"][data-status="breached"]`).waitFor({
      timeout: (ALLOWANCE_SECONDS + 15) * 1_000,
    });
    await page.locator('#breaches tr[data-alert-id] .kind-breach').first().waitFor({ timeout: 10_000 });
    await row.locator('.left', { hasText: /overdue$/ }).waitFor({ timeout: 5_000 });
    type Styled = { getComputedStyle(element: unknown): { backgroundColor: string } };
    const background = await row.evaluate(
      (element) => (globalThis as unknown as Styled).getComputedStyle(element).backgroundColor,
    );
    expect(background).toBe('rgb(253, 232, 232)');

    await page.reload();
    await row.waitFor({ timeout: 10_000 });
    expect(await page.locator('#key-form').isHidden()).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows a ticket created in Zendesk with its Zendesk number, in the queue, its detail and the breach log', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Zeta Freight', licences: 10, plan: 'premium', externalRefs: { zendesk: '8447346622462' } },
    });
    const now = new Date().toISOString();
    const body = JSON.stringify({ ...ticketCreated, time: now, detail: { ...ticketCreated.detail, created_at: now } });
    const delivered = await engine.call('POST', '/ingest/zendesk', {
      body,
      headers: {
        authorization: `Bearer ${ZENDESK_KEY}`,
        'x-zendesk-webhook-signature-timestamp': now,
        'x-zendesk-webhook-signature': createHmac('sha256', ZENDESK_WEBHOOK_SECRET)
          .update(`${now}${body}`)
          .digest('base64'),
      },
    });
    expect(delivered.json.result).toMatchObject({ status: 'applied' });
    const ticketId = (delivered.json.result as { ticketId: string }).ticketId;
    const row = page.locator(`#queue tr[data-ticket-id="${ticketId}"]`);

    await expect(row.locator('.subject .ref').textContent({ timeout: 10_000 })).resolves.toBe('zendesk #35436');
    await row.click();
    await expect(page.locator('#detail-clock [data-fact="From"]').textContent({ timeout: 10_000 })).resolves.toBe(
      'zendesk #35436',
    );
    await page
      .locator('#breaches tr[data-alert-id] .subject', { hasText: 'zendesk #35436' })
      .waitFor({ timeout: (ALLOWANCE_SECONDS + 15) * 1_000 });
    expect(errors).toEqual([]);
  });
});

/** Monday 2026-11-30, 16:00 in Toronto. */
const NOW = '2026-11-30T21:00:00.000Z';

describe('the dashboard for the day of a support lead', () => {
  let engine: Engine;
  const ids: Record<'importing' | 'exporting' | 'password' | 'invoice', string> = {
    importing: '',
    exporting: '',
    password: '',
    invoice: '',
  };

  beforeAll(async () => {
    engine = await startEngine({ now: NOW });
    const customer = async (name: string, plan: string, licences: number): Promise<string> =>
      (await engine.call('POST', '/customers', { as: 'admin', body: { name, licences, plan } })).json.id as string;
    const open = async (customerId: string, channel: string, subject: string, receivedAt: string): Promise<string> => {
      const answer = await engine.call('POST', '/tickets', {
        as: 'admin',
        body: { customerId, channel, subject, receivedAt },
      });
      expect(answer.status).toBe(201);
      return answer.json.id as string;
    };
    const acme = await customer('Acme Analytics', 'premium', 20);
    const bolt = await customer('Bolt Logistics', 'standard', 5);
    ids.importing = await open(acme, 'email', 'Nightly import fails', '2026-11-30T20:00:00.000Z');
    // received at 08:00 in Toronto, due at 12:00: breached before now, then extended past now
    ids.exporting = await open(acme, 'phone', 'Export to CSV is slow', '2026-11-30T13:00:00.000Z');
    ids.password = await open(bolt, 'forum', 'Password reset link expired', '2026-11-30T20:30:00.000Z');
    // a ticket of last year, imported: breached when due, in 2025, detected now
    ids.invoice = await open(acme, 'email', 'Old invoice question', '2025-11-27T15:00:00.000Z');
    const answered = await open(bolt, 'forum', 'Where is the manual', '2026-11-30T20:40:00.000Z');
    expect((await engine.call('POST', `/tickets/${answered}/responses`, { as: 'agent', body: {} })).status).toBe(201);
    await eventually(async () =>
      expect((await engine.call('GET', '/breaches?kind=breach', { as: 'ops' })).json.total).toBe(2),
    );
    const extended = await engine.call('POST', `/tickets/${ids.exporting}/extensions`, {
      as: 'lead',
      body: { extensionMinutes: 600, reason: 'customer away until tomorrow' },
    });
    expect(extended.status).toBe(201);
  });

  afterAll(async () => {
    await closePages();
    await engine?.close();
  });

  const rowIds = (page: Page) =>
    page
      .locator('#queue tr[data-ticket-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-ticket-id')));
  const waitForRows = async (page: Page, expected: string[], isOrdered = false): Promise<void> => {
    const comparable = (list: (string | null)[]) => (isOrdered ? list : [...list].sort());
    await eventually(async () => expect(comparable(await rowIds(page))).toEqual(comparable(expected)));
  };
  const row = (page: Page, ticketId: string) => page.locator(`#queue tr[data-ticket-id="${ticketId}"]`);

  it('draws no board behind the key form', async () => {
    const page = await browser.newPage();
    await page.goto(engine.url);
    await page.locator('#key-form').waitFor();
    expect(await page.locator('#board').boundingBox()).toBeNull();
    expect(await page.locator('#board').isVisible()).toBe(false);
    await page.close();
  });

  it('narrows the queue by search and filters, keeps the view in the URL and restores it', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await waitForRows(page, [ids.exporting, ids.importing, ids.invoice, ids.password]);

    await page.locator('#f-q').fill('INVOICE');
    await waitForRows(page, [ids.invoice]);
    await page.locator('#f-q').fill(ids.password.slice(0, 8));
    await waitForRows(page, [ids.password]);
    await page.locator('#f-q').fill('acme');
    await waitForRows(page, [ids.exporting, ids.importing, ids.invoice]);
    await page.locator('#f-channel').selectOption('email');
    await waitForRows(page, [ids.importing, ids.invoice]);
    await page.locator('#f-q').fill('');
    await page.locator('#f-channel').selectOption('');
    await page.locator('#f-plan').selectOption('standard');
    await waitForRows(page, [ids.password]);
    await page.locator('#f-plan').selectOption('');
    await page.locator('#f-customer').selectOption({ label: 'Bolt Logistics' });
    await waitForRows(page, [ids.password]);
    await page.locator('#f-customer').selectOption('');
    await page.locator('#f-status').selectOption('breached');
    await page.locator('#f-sort').selectOption('deadline');
    await waitForRows(page, [ids.invoice, ids.exporting], true);

    const shared = page.url();
    expect(new URL(shared).searchParams.get('status')).toBe('breached');
    expect(new URL(shared).searchParams.get('sort')).toBe('deadline');
    const restored = await openWithKey(shared);
    await waitForRows(restored.page, [ids.invoice, ids.exporting], true);
    expect(await restored.page.locator('#f-status').inputValue()).toBe('breached');
    expect(await restored.page.locator('#f-sort').inputValue()).toBe('deadline');
    expect([...errors, ...restored.errors]).toEqual([]);
    await Promise.all([page.close(), restored.page.close()]);
  });

  it('shows times in the calendar zone, the year when it is not this one, and why a breached ticket has time left', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await waitForRows(page, [ids.exporting, ids.importing, ids.invoice, ids.password]);

    await expect(page.locator('#zone').textContent()).resolves.toBe('Times in America/Toronto');
    // due Tuesday 08:30 in Toronto
    await expect(row(page, ids.importing).locator('.deadline').textContent()).resolves.toBe('Tue 1 Dec, 08:30 EST');
    await expect(row(page, ids.invoice).locator('.deadline').textContent()).resolves.toMatch(/ 2025, \d\d:\d\d EST$/);
    const exporting = row(page, ids.exporting);
    expect(await exporting.getAttribute('data-status')).toBe('breached');
    await expect(exporting.locator('.status').textContent()).resolves.toBe('breacheddeadline extended after breach');
    await expect(exporting.locator('.left').textContent()).resolves.not.toMatch(/overdue/);
    await expect(row(page, ids.invoice).locator('.status .note').count()).resolves.toBe(0);

    const invoiceBreach = page
      .locator('#breaches tr[data-alert-id]', { hasText: 'Old invoice question' })
      .filter({ has: page.locator('.kind-breach') });
    await expect(invoiceBreach.locator('.occurred').textContent()).resolves.toMatch(/2025/);
    await expect(invoiceBreach.locator('.detected').textContent()).resolves.toBe('Mon 30 Nov, 16:00 EST');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a ticket with its clock, explanation and audit timeline on both time axes, and restores it from the URL', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await row(page, ids.exporting).click();
    await page.locator('#detail').waitFor();

    await expect(page.locator('#detail-title').textContent()).resolves.toContain('Export to CSV is slow');
    await expect(page.locator('#detail-clock [data-fact="Allowance"]').textContent()).resolves.toMatch(/extended 600/);
    const types = await page
      .locator('#detail-timeline tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-type')));
    expect(types).toEqual(expect.arrayContaining(['TicketOpened', 'SlaBreached', 'DeadlineExtended']));
    const opened = page.locator('#detail-timeline tr[data-event-type="TicketOpened"]');
    await expect(opened.locator('.occurred').textContent()).resolves.toBe('Mon 30 Nov, 08:00 EST');
    await expect(opened.locator('.recorded').textContent()).resolves.toBe('Mon 30 Nov, 16:00 EST');
    expect(await page.locator('#detail-steps tr').count()).toBeGreaterThanOrEqual(2);
    await expect(page.locator('#detail-steps tr').first().locator('.occurred').textContent()).resolves.toBe(
      'Mon 30 Nov, 08:00 EST',
    );
    expect(new URL(page.url()).searchParams.get('ticket')).toBe(ids.exporting);

    const restored = await openWithKey(page.url());
    await restored.page.locator('#detail-timeline tr[data-event-type="DeadlineExtended"]').waitFor();
    expect([...errors, ...restored.errors]).toEqual([]);
    await Promise.all([page.close(), restored.page.close()]);
  });

  it('charts compliance for a date range and downloads it as parsable CSV', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await page.locator('#r-from').fill('2026-11-01');
    await page.locator('#r-to').fill('2026-12-01');
    await page.locator('#range-label', { hasText: '2026-11-01 to 2026-12-01' }).waitFor();
    // November: the export ticket missed (its breach passed a November deadline), the manual question met; the
    // import and password tickets are due in December, the invoice ticket in 2025
    await page
      .locator('#compliance text[data-plan="premium"]', { hasText: '0% met (0 met, 1 missed, 0 open)' })
      .waitFor();
    await page
      .locator('#compliance text[data-plan="standard"]', { hasText: '100% met (1 met, 0 missed, 0 open)' })
      .waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    expect(download.suggestedFilename()).toBe('compliance-2026-11-01-2026-12-01.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map(({ plan, period, met, missed, open }) => ({ plan, period, met, missed, open }))).toEqual([
      { plan: 'premium', period: '2026-11', met: '0', missed: '1', open: '0' },
      { plan: 'standard', period: '2026-11', met: '1', missed: '0', open: '0' },
    ]);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2026-11-01');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the status, deadline and time left of each row inside a 390 px wide screen', async () => {
    const { page, errors } = await openWithKey(engine.url);
    await waitForRows(page, [ids.exporting, ids.importing, ids.invoice, ids.password]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-wide.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    for (const ticketId of Object.values(ids)) {
      for (const box of ['.status', '.deadline', '.left']) {
        const bounds = await row(page, ticketId).locator(box).boundingBox();
        expect(bounds).not.toBeNull();
        expect(bounds?.x).toBeGreaterThanOrEqual(0);
        expect((bounds?.x ?? 0) + (bounds?.width ?? Infinity)).toBeLessThanOrEqual(390);
      }
    }
    const scrollWidth = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
          .scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-390.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
