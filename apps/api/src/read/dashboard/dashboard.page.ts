/** The dashboard page: kept in the bundle so that the built application serves it without asset copying. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Support SLA dashboard</title>
  <link rel="stylesheet" href="/dashboard.css">
</head>
<body>
  <header>
    <h1>Support SLA</h1>
    <span id="live" class="live off" title="live stream">offline</span>
    <button id="forget" type="button" hidden>Forget key</button>
  </header>
  <form id="key-form" hidden>
    <label for="key">API key</label>
    <input id="key" name="key" type="password" autocomplete="off" required minlength="16">
    <button type="submit">Open</button>
    <p id="key-error" class="error" role="alert"></p>
  </form>
  <main id="board" hidden>
    <section class="queue">
      <h2>Open queue <small id="queue-count"></small></h2>
      <table>
        <thead><tr><th>Ticket</th><th>Customer</th><th>Plan</th><th>Channel</th><th>Status</th><th>Deadline</th><th>Business time left</th></tr></thead>
        <tbody id="queue"></tbody>
      </table>
    </section>
    <section class="compliance">
      <h2>First-response compliance by plan <small>(this month)</small></h2>
      <div id="compliance"></div>
    </section>
    <section class="breaches">
      <h2>Breach log</h2>
      <table>
        <thead><tr><th>When</th><th>Kind</th><th>Ticket</th><th>Customer</th><th>Plan</th><th>Deadline</th><th>Recipients</th><th>Delivery</th></tr></thead>
        <tbody id="breaches"></tbody>
      </table>
    </section>
  </main>
  <script src="/dashboard.js"></script>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { --bg: #f6f7f9; --fg: #1d2430; --muted: #6b7483; --line: #dde1e7; --red: #c62828; --red-bg: #fde8e8;
  --amber: #9a6200; --amber-bg: #fff4d6; --green: #2e7d32; --blue: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d2430; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
header button { background: transparent; color: #fff; border: 1px solid #fff6; border-radius: 4px; padding: .2rem .6rem; }
.live { font-size: .8rem; padding: .1rem .5rem; border-radius: 999px; }
.live.on { background: var(--green); } .live.off { background: #6b7483; }
form { max-width: 24rem; margin: 3rem auto; padding: 1.5rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
form label { display: block; margin-bottom: .5rem; font-weight: 600; }
form input { width: 100%; padding: .5rem; margin-bottom: .75rem; border: 1px solid var(--line); border-radius: 4px; }
form button { padding: .45rem 1rem; background: var(--blue); color: #fff; border: 0; border-radius: 4px; }
.error { color: var(--red); min-height: 1.2em; }
main { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; padding: 1rem 1.5rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; }
section.compliance svg { max-width: 24rem; display: block; }
h2 { font-size: 1rem; margin: .25rem 0 .75rem; } h2 small { color: var(--muted); font-weight: normal; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase; }
td.subject { white-space: normal; min-width: 14rem; } td .id { color: var(--muted); font-size: .75rem; display: block; }
tr.breached { background: var(--red-bg); } tr.breached .status, tr.breached .left { color: var(--red); font-weight: 700; }
tr.at-risk { background: var(--amber-bg); } tr.at-risk .status, tr.at-risk .left { color: var(--amber); font-weight: 700; }
tr.paused-for-training .status, tr.out-of-scope .status, tr.waived .status { color: var(--muted); }
.left { font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); text-align: center; padding: 1rem; }
.kind-breach { color: var(--red); font-weight: 600; } .delivery-failed { color: var(--red); font-weight: 600; } .kind-escalation { color: #7b1fa2; font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
`;
