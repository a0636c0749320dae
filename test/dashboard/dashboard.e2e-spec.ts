import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { type Engine, KEYS, startEngine } from '../api/support/engine';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
const ALLOWANCE_SECONDS = 15;

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

describe('the dashboard page in a browser', () => {
  let engine: Engine;
  let browser: BrowserContext;
  let policiesDir: string;
  let profileDir: string;

  beforeAll(async () => {
    policiesDir = mkdtempSync(join(tmpdir(), 'sla-policies-'));
    profileDir = mkdtempSync(join(tmpdir(), 'sla-chromium-'));
    writeFileSync(join(policiesDir, 'round-the-clock.json'), JSON.stringify(fastPolicy()));
    engine = await startEngine({ env: { POLICIES_DIR: policiesDir } });
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
    await engine?.close();
    rmSync(policiesDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  });

  it('asks for a key once, shows a ticket opened through the API, then shows it breached when its timer fires', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(engine.url);
    await page.locator('#key').fill(KEYS.ops);
    await page.locator('#key-form button[type=submit]').click();
    await page.locator('#live.on').waitFor({ timeout: 10_000 });

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
});
