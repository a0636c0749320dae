import { CHANNELS, PLANS } from '@app/policy';
import { QUEUE_SORTS, QUEUE_STATUSES } from '@app/projections';

const options = (values: readonly string[], label = (value: string) => value): string =>
  values.map((value) => `<option value="${value}">${label(value)}</option>`).join('');
const option = (value: string, text: string): string => `<option value="${value}">${text}</option>`;
const PLAN_OPTIONS = options(PLANS);
const STATUS_OPTIONS = options(QUEUE_STATUSES, (status) => status.replaceAll('-', ' '));
const CHANNEL_OPTIONS = options(CHANNELS);
const SORT_OPTIONS = options(QUEUE_SORTS, (sort) => `Sort: ${sort}`);

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
      <form id="filters" class="filters" role="search">
        <input id="f-q" name="q" type="search" maxlength="200" placeholder="Search subject, customer, ticket id" aria-label="search">
        <select id="f-plan" name="plan" aria-label="plan">${option('', 'All plans')}${PLAN_OPTIONS}</select>
        <select id="f-status" name="status" aria-label="status">${option('', 'All statuses')}${STATUS_OPTIONS}</select>
        <select id="f-channel" name="channel" aria-label="channel">${option('', 'All channels')}${CHANNEL_OPTIONS}</select>
        <select id="f-customer" name="customer" aria-label="customer">${option('', 'All customers')}</select>
        <select id="f-sort" name="sort" aria-label="sort">${SORT_OPTIONS}</select>
      </form>
      <p class="zone" id="zone"></p>
      <table class="cards">
        <thead><tr><th>Ticket</th><th>Customer</th><th>Plan</th><th>Channel</th><th>Status</th><th>Deadline</th><th>Business time left</th></tr></thead>
        <tbody id="queue"></tbody>
      </table>
      <nav class="pager" id="queue-pager" aria-label="queue pages"><button type="button" data-step="-1">Previous</button><span></span><button type="button" data-step="1">Next</button></nav>
    </section>
    <section id="detail" class="detail" hidden aria-live="polite">
      <h2><span id="detail-title"></span> <button id="detail-close" type="button" aria-label="close">Close</button></h2>
      <dl id="detail-clock" class="facts"></dl>
      <h3>Why the deadline is what it is</h3>
      <table class="steps"><thead><tr><th>Step</th><th>Occurred</th><th>Recorded</th><th>Deadline after</th><th>Why</th></tr></thead><tbody id="detail-steps"></tbody></table>
      <h3>Audit timeline</h3>
      <table class="timeline"><thead><tr><th>Event</th><th>Occurred</th><th>Recorded</th><th>Actor</th><th>Policy version</th></tr></thead><tbody id="detail-timeline"></tbody></table>
    </section>
    <section class="compliance">
      <h2>First-response compliance by plan <small id="range-label"></small></h2>
      <form id="range" class="filters">
        <label>From <input id="r-from" name="from" type="date"></label>
        <label>To <input id="r-to" name="to" type="date"></label>
        <button id="csv" type="button">Download CSV</button>
      </form>
      <div id="compliance"></div>
    </section>
    <section class="breaches">
      <h2>Breach log <small id="breach-count"></small></h2>
      <table class="cards">
        <thead><tr><th>Due</th><th>Detected</th><th>Kind</th><th>Ticket</th><th>Customer</th><th>Plan</th><th>Recipients</th><th>Delivery</th></tr></thead>
        <tbody id="breaches"></tbody>
      </table>
      <nav class="pager" id="breach-pager" aria-label="breach log pages"><button type="button" data-step="-1">Previous</button><span></span><button type="button" data-step="1">Next</button></nav>
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
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d2430; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; flex: 1; }
header button { background: transparent; color: #fff; border: 1px solid #fff6; border-radius: 4px; padding: .2rem .6rem; }
.live { font-size: .8rem; padding: .1rem .5rem; border-radius: 999px; }
.live.on { background: var(--green); } .live.off { background: #6b7483; }
#key-form { max-width: 24rem; margin: 3rem auto; padding: 1.5rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
#key-form label { display: block; margin-bottom: .5rem; font-weight: 600; }
#key-form input { width: 100%; padding: .5rem; margin-bottom: .75rem; border: 1px solid var(--line); border-radius: 4px; }
button { padding: .3rem .8rem; background: var(--blue); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
button:disabled { background: var(--line); color: var(--muted); cursor: default; }
.error { color: var(--red); min-height: 1.2em; }
main { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; padding: 1rem 1.5rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; min-width: 0; }
section.compliance svg { max-width: 32rem; display: block; }
h2 { font-size: 1rem; margin: .25rem 0 .75rem; } h2 small { color: var(--muted); font-weight: normal; }
h3 { font-size: .9rem; margin: 1rem 0 .25rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .5rem; align-items: center; }
.filters input, .filters select { padding: .3rem .4rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; max-width: 100%; }
.filters input[type=search] { flex: 1 1 16rem; }
.zone { color: var(--muted); font-size: .8rem; margin: 0 0 .5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase; }
td.subject, td.why { white-space: normal; min-width: 14rem; } td .id, td .ref { color: var(--muted); font-size: .75rem; display: block; }
td .note { display: block; font-size: .75rem; font-weight: normal; color: var(--fg); white-space: normal; }
#queue tr[data-ticket-id] { cursor: pointer; } #queue tr.selected { outline: 2px solid var(--blue); outline-offset: -2px; }
tr.breached { background: var(--red-bg); } tr.breached .status, tr.breached .left { color: var(--red); font-weight: 700; }
tr.at-risk { background: var(--amber-bg); } tr.at-risk .status, tr.at-risk .left { color: var(--amber); font-weight: 700; }
tr.paused-for-training .status, tr.out-of-scope .status, tr.waived .status { color: var(--muted); }
.left { font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); text-align: center; padding: 1rem; }
.pager { display: flex; gap: .75rem; align-items: center; justify-content: flex-end; margin-top: .5rem; color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
.detail h2 { display: flex; gap: 1rem; justify-content: space-between; align-items: baseline; }
.kind-breach { color: var(--red); font-weight: 600; } .delivery-failed { color: var(--red); font-weight: 600; } .kind-escalation { color: #7b1fa2; font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
@media (max-width: 720px) {
  header, main { padding-left: .5rem; padding-right: .5rem; }
  section { padding: .5rem; }
  table.cards thead { display: none; }
  table.cards tr { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); border-bottom: 1px solid var(--line); padding: .25rem 0; }
  table.cards td { border: 0; white-space: normal; overflow-wrap: anywhere; min-width: 0; padding: .2rem .3rem; }
  table.cards td.subject { grid-column: 1 / -1; min-width: 0; }
  table.cards td.empty { grid-column: 1 / -1; }
  table.cards td[data-label]::before { content: attr(data-label); display: block; color: var(--muted); font-size: .7rem; text-transform: uppercase; }
  td.why { min-width: 10rem; }
}
`;
