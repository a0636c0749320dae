import { chromium } from 'playwright-core';
import { type Engine, KEYS, startEngine } from '../api/support/engine';

describe('HTTP answers, hardened', () => {
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it.each([
    ['the dashboard', '/', {}],
    ['its script', '/dashboard.js', {}],
    ['the OpenAPI viewer', '/docs', {}],
    ['an API answer', '/policies', { authorization: `Bearer ${KEYS.agent}` }],
    ['a refusal', '/policies', {}],
    ['an unknown route', '/no-such-route', {}],
  ])('carry the security headers on %s', async (_what, path, headers) => {
    engine = await startEngine();
    const answer = await fetch(`${engine.url}${path}`, { headers });
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('lets the dashboard run its own script under its policy, and refuses a script injected inline', async () => {
    engine = await startEngine();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/.test(message.text())) refused.push(message.text());
      });
      await page.goto(engine.url);
      await page.waitForSelector('#key-form:not([hidden])');
      expect(refused).toEqual([]);
      await page.evaluate(
        `const script = document.createElement('script');
         script.textContent = 'document.body.dataset.injected = "yes"';
         document.body.append(script);`,
      );
      expect(await page.evaluate('document.body.dataset.injected')).toBeUndefined();
      expect(refused.length).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });

  it('keeps /metrics for ops and admin keys', async () => {
    engine = await startEngine();
    const statuses = await Promise.all(
      [undefined, 'agent', 'auditor', 'ops', 'admin'].map(
        async (role) =>
          (
            await fetch(
              `${engine!.url}/metrics`,
              role ? { headers: { authorization: `Bearer ${KEYS[role as 'ops']}` } } : {},
            )
          ).status,
      ),
    );
    expect(statuses).toEqual([401, 403, 403, 200, 200]);
  });

  it('opens /metrics to anyone with METRICS_PUBLIC=true', async () => {
    engine = await startEngine({ env: { METRICS_PUBLIC: 'true' } });
    const answer = await fetch(`${engine.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(/^sla_projection_lag_positions \d+$/m);
  });

  it('tells anyone only the state of the read models, and operators the lag and the checkpoint', async () => {
    engine = await startEngine();
    const open = await engine.call('GET', '/health/projections', { as: 'agent' });
    expect(Object.keys(open.json)).toEqual(['state']);
    const detailed = await engine.call('GET', '/health/projections', { as: 'ops' });
    expect(detailed.json).toMatchObject({ state: expect.any(String), behind: expect.any(Number) });
    expect(detailed.json).toHaveProperty('checkpoint');
  });
});
