/**
 * The dashboard's script, plain browser JavaScript. The page counts down with the browser's clock between two
 * answers of the API, and only while the ticket's calendar is open, so the countdown is in business time.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var KEY = 'sla-api-key';
  var REFRESH_MS = 30000;
  var QUEUE_PAGE = 50;
  var BREACH_PAGE = 20;
  var STATUS_TEXT = {
    'on-track': 'on track', 'at-risk': 'at risk', breached: 'breached', 'paused-for-training': 'paused for training',
    relaxed: 'relaxed', 'out-of-scope': 'out of scope', waived: 'waived'
  };
  var PLANS = ['premium', 'priority', 'standard'];
  var VIEW_FIELDS = ['q', 'plan', 'status', 'channel', 'customer', 'sort', 'page', 'bpage', 'from', 'to', 'ticket'];
  var view = {};
  var queue = [];
  var fetchedAt = 0;
  var serverNow = null;
  var zones = {};
  var calendarZone = 'UTC';
  var refreshTimer = null;
  var searchTimer = null;
  var stream = null;

  function $(id) { return document.getElementById(id); }
  function apiKey() { return sessionStorage.getItem(KEY); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function cell(row, label, className, text) {
    var td = row.appendChild(el('td', className, text));
    td.dataset.label = label;
    return td;
  }

  function request(path, accept) {
    var headers = { Authorization: 'Bearer ' + apiKey() };
    if (accept) headers.Accept = accept;
    return fetch(path, { headers: headers }).then(function (response) {
      if (response.status === 401) {
        forget('This API key is not accepted.');
        throw new Error('unauthorised');
      }
      if (!response.ok) throw new Error(path + ' answered ' + response.status);
      return response;
    });
  }

  function api(path) { return request(path).then(function (response) { return response.json(); }); }

  function readView() {
    var params = new URLSearchParams(location.search);
    view = {};
    VIEW_FIELDS.forEach(function (field) { if (params.get(field)) view[field] = params.get(field); });
  }

  function writeView() {
    var params = new URLSearchParams();
    VIEW_FIELDS.forEach(function (field) { if (view[field]) params.set(field, view[field]); });
    var search = params.toString();
    history.replaceState(null, '', search ? '?' + search : location.pathname);
  }

  function setView(changes) {
    Object.keys(changes).forEach(function (field) { view[field] = changes[field] || undefined; });
    writeView();
  }

  function pageOf(field) { return Math.max(0, parseInt(view[field] || '0', 10) || 0); }

  function partsIn(zone, instant, options) {
    var parts = {};
    var at = typeof instant === 'number' ? instant : Date.parse(instant);
    new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: zone }, options)).formatToParts(at)
      .forEach(function (part) { parts[part.type] = part.value; });
    return parts;
  }

  function yearIn(zone, instant) { return partsIn(zone, instant, { year: 'numeric' }).year; }

  // Times are shown in the ticket's calendar zone, with the zone's name; the year only when it is not the server's.
  function zonedTime(instant, zone) {
    if (!instant) return '—';
    zone = zone || calendarZone;
    var isOtherYear = serverNow !== null && yearIn(zone, instant) !== yearIn(zone, serverNow);
    var options = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23', timeZoneName: 'short' };
    if (isOtherYear) options.year = 'numeric';
    var p = partsIn(zone, instant, options);
    return p.weekday + ' ' + p.day + ' ' + p.month + (isOtherYear ? ' ' + p.year : '') + ', ' + p.hour + ':' + p.minute +
      ' ' + p.timeZoneName;
  }

  function zoneOf(policyVersion) { return zones[policyVersion] || calendarZone; }

  var FIELDS = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit', hourCycle: 'h23' };

  // The instant of local midnight on a day (YYYY-MM-DD) in the calendar zone: the zone's offset, taken twice in
  // case midnight and the first guess fall on either side of a change of offset.
  function midnightIn(zone, day) {
    var wanted = Date.parse(day + 'T00:00:00Z');
    var guess = wanted;
    for (var i = 0; i < 2; i++) {
      var p = partsIn(zone, guess, FIELDS);
      guess -= Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - wanted;
    }
    var u = partsIn('UTC', guess, FIELDS);
    return u.year + '-' + u.month + '-' + u.day + 'T' + u.hour + ':' + u.minute + ':' + u.second + '.000Z';
  }

  /** A ticket's id in the helpdesk it came from: "zendesk #35436". */
  function refText(ref) { return ref ? ref.source + ' #' + ref.externalId : ''; }

  function subjectCell(row, item) {
    var subject = cell(row, null, 'subject', item.subject);
    delete subject.dataset.label;
    if (item.externalRef) subject.appendChild(el('span', 'ref', refText(item.externalRef)));
    subject.appendChild(el('span', 'id', item.ticketId.slice(0, 8))).title = item.ticketId;
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function duration(minutes) {
    var seconds = Math.round(Math.abs(minutes) * 60);
    var text = Math.floor(seconds / 3600) + 'h ' + pad(Math.floor(seconds / 60) % 60) + 'm ' + pad(seconds % 60) + 's';
    return minutes < 0 ? text + ' overdue' : text;
  }

  // The server's clock said how much was left when the queue was fetched; the page only counts the time elapsed
  // since, on the monotonic clock, so it never reads (or trusts) the browser's wall clock.
  function minutesLeft(item, now) {
    if (item.businessMinutesLeft === null) return null;
    var isCounting = item.isCalendarOpen && item.deadline !== null;
    return item.businessMinutesLeft - (isCounting ? (now - fetchedAt) / 60000 : 0);
  }

  function renderPager(id, page, size, total) {
    var pager = $(id);
    var pages = Math.max(1, Math.ceil(total / size));
    pager.querySelector('span').textContent = 'page ' + (page + 1) + ' of ' + pages;
    pager.querySelector('[data-step="-1"]').disabled = page === 0;
    pager.querySelector('[data-step="1"]').disabled = page + 1 >= pages;
  }

  function renderZone() {
    var used = {};
    queue.forEach(function (item) { used[zoneOf(item.policyVersion)] = true; });
    used[calendarZone] = true;
    $('zone').textContent = 'Times in ' + Object.keys(used).join(', ');
  }

  function renderQueue(page) {
    var body = $('queue');
    body.replaceChildren();
    $('queue-count').textContent = '(' + page.total + ')';
    renderPager('queue-pager', pageOf('page'), QUEUE_PAGE, page.total);
    renderZone();
    if (queue.length === 0) {
      var empty = el('td', 'empty', 'No ticket awaits a first response' + (isFiltered() ? ' in this view.' : '.'));
      empty.colSpan = 7;
      body.appendChild(el('tr')).appendChild(empty);
      return;
    }
    queue.forEach(function (item) {
      var row = el('tr', item.status + (item.ticketId === view.ticket ? ' selected' : ''));
      row.dataset.ticketId = item.ticketId;
      row.dataset.status = item.status;
      subjectCell(row, item);
      cell(row, 'Customer', 'customer', item.customerName || item.customerId);
      cell(row, 'Plan', 'plan', item.plan + (item.handlingPriority === 'priority' ? ' ★' : ''));
      cell(row, 'Channel', 'channel', item.channel);
      var status = cell(row, 'Status', 'status', STATUS_TEXT[item.status] || item.status);
      if (item.isDeadlineExtendedAfterBreach) status.appendChild(el('span', 'note', 'deadline extended after breach'));
      cell(row, 'Deadline', 'deadline', zonedTime(item.deadline, zoneOf(item.policyVersion)));
      var left = cell(row, 'Time left', 'left', '');
      if (item.problem) left.title = item.problem.detail;
      row.addEventListener('click', function () { openDetail(item.ticketId); });
      body.appendChild(row);
    });
    tick();
  }

  function isFiltered() {
    return ['q', 'plan', 'status', 'channel', 'customer'].some(function (field) { return view[field]; });
  }

  function tick() {
    var now = performance.now();
    var rows = $('queue').querySelectorAll('tr[data-ticket-id]');
    rows.forEach(function (row, i) {
      var item = queue[i];
      var left = minutesLeft(item, now);
      row.querySelector('.left').textContent = item.problem ? 'unknown: ' + item.problem.code
        : left === null ? '—' : duration(left) + (item.isCalendarOpen || left < 0 ? '' : ' (closed)');
    });
  }

  function svgNode(tag, attributes, text) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderCompliance(items) {
    var totals = {};
    PLANS.forEach(function (plan) { totals[plan] = { applicable: 0, met: 0, missed: 0, open: 0 }; });
    items.forEach(function (row) {
      var t = totals[row.plan];
      if (!t) return;
      ['applicable', 'met', 'missed', 'open'].forEach(function (field) { t[field] += row[field]; });
    });
    var box = $('compliance');
    box.replaceChildren();
    var svg = svgNode('svg', { viewBox: '0 0 420 ' + PLANS.length * 44, width: '100%', role: 'img',
      'aria-label': 'first-response clocks met, missed and open per plan' });
    PLANS.forEach(function (plan, i) {
      var t = totals[plan];
      var y = i * 44;
      var answered = t.met + t.missed;
      var rate = answered ? Math.round((t.met * 100) / answered) + '% met' : 'no clock met or missed';
      var label = svgNode('text', { x: 0, y: y + 14 },
        plan + ': ' + rate + ' (' + t.met + ' met, ' + t.missed + ' missed, ' + t.open + ' open)');
      label.dataset.plan = plan;
      svg.appendChild(label);
      var x = 0;
      [['#2e7d32', t.met], ['#c62828', t.missed], ['#9aa3b0', t.open]].forEach(function (bar) {
        if (!t.applicable || bar[1] <= 0) return;
        var width = (300 * bar[1]) / t.applicable;
        svg.appendChild(svgNode('rect', { x: x, y: y + 20, width: width, height: 14, fill: bar[0] }));
        x += width;
      });
      if (!t.applicable) svg.appendChild(svgNode('rect', { x: 0, y: y + 20, width: 300, height: 14, fill: '#dde1e7' }));
    });
    box.appendChild(svg);
  }

  function renderBreaches(page) {
    var body = $('breaches');
    body.replaceChildren();
    $('breach-count').textContent = '(' + page.total + ')';
    renderPager('breach-pager', pageOf('bpage'), BREACH_PAGE, page.total);
    if (page.items.length === 0) {
      var empty = el('td', 'empty', 'No breach recorded.');
      empty.colSpan = 8;
      body.appendChild(el('tr')).appendChild(empty);
      return;
    }
    page.items.forEach(function (entry) {
      var row = el('tr');
      var zone = zoneOf(entry.policyVersion);
      row.dataset.alertId = entry.alertId;
      cell(row, 'Due', 'occurred', zonedTime(entry.occurredAt, zone));
      cell(row, 'Detected', 'detected', zonedTime(entry.detectedAt, zone));
      cell(row, 'Kind', 'kind-' + entry.kind, entry.kind + (entry.level ? ' ' + entry.level : ''));
      subjectCell(row, entry);
      cell(row, 'Customer', null, entry.customerName || entry.customerId);
      cell(row, 'Plan', null, entry.plan);
      cell(row, 'Recipients', null, entry.recipients.join(', '));
      var delivery = entry.delivery ? entry.delivery.state : 'unknown';
      cell(row, 'Delivery', 'delivery-' + delivery, delivery.replace('-', ' '));
      body.appendChild(row);
    });
  }

  function fact(list, term, value) {
    list.appendChild(el('dt', null, term));
    list.appendChild(el('dd', null, value)).dataset.fact = term;
  }

  function renderDetail(ticket, state, history) {
    var zone = ticket.timeZone || calendarZone;
    var explanation = state.explanation;
    $('detail-title').textContent = ticket.subject + ' · ' + ticket.id.slice(0, 8);
    var clock = $('detail-clock');
    clock.replaceChildren();
    fact(clock, 'Ticket', ticket.status + ', ' + ticket.plan + ' plan, ' + ticket.channel);
    if (ticket.externalRef) fact(clock, 'From', refText(ticket.externalRef));
    fact(clock, 'Received', zonedTime(ticket.receivedAt, zone));
    fact(clock, 'Clock', ticket.sla.status + (ticket.sla.stoppedBecause ? ' (' + ticket.sla.stoppedBecause + ')' : ''));
    fact(clock, 'Deadline', zonedTime(explanation ? explanation.deadline : ticket.firstResponseDueAt, zone));
    if (explanation) {
      var a = explanation.allowance;
      fact(clock, 'Allowance', a.effectiveMinutes + ' support minutes (base ' + a.baseMinutes +
        (a.extensionMinutes ? ', extended ' + a.extensionMinutes : '') + (a.relaxation ? ', relaxed' : '') + ')');
      fact(clock, 'Counted', Math.round(explanation.elapsedMinutes * 10) / 10 + ' support minutes');
      fact(clock, 'Policy', explanation.policyVersion + ', calendar ' + explanation.calendar.id + ' (' + zone + ')');
    }
    if (ticket.sla.breachedAt) fact(clock, 'Breached', zonedTime(ticket.sla.breachedAt, zone));
    fact(clock, 'State as of', zonedTime(state.asOf, zone) + (state.knownAt ? ', known at ' + zonedTime(state.knownAt, zone) : ''));
    var steps = $('detail-steps');
    steps.replaceChildren();
    (explanation ? explanation.steps : []).forEach(function (step) {
      var row = steps.appendChild(el('tr'));
      cell(row, 'Step', null, step.type);
      cell(row, 'Occurred', 'occurred', zonedTime(step.occurredAt, zone));
      cell(row, 'Recorded', 'recorded', zonedTime(step.recordedAt, zone));
      cell(row, 'Deadline after', null, zonedTime(step.deadline, zone));
      cell(row, 'Why', 'why', step.cause);
    });
    var timeline = $('detail-timeline');
    timeline.replaceChildren();
    history.events.forEach(function (event) {
      var row = timeline.appendChild(el('tr'));
      row.dataset.eventType = event.type;
      cell(row, 'Event', null, event.type);
      cell(row, 'Occurred', 'occurred', zonedTime(event.occurredAt, zone));
      cell(row, 'Recorded', 'recorded', zonedTime(event.recordedAt, zone));
      cell(row, 'Actor', null, event.actor.id + ' (' + event.actor.role + ')');
      cell(row, 'Policy version', null, event.policyVersion || '—');
    });
    $('detail').hidden = false;
  }

  function openDetail(ticketId) {
    setView({ ticket: ticketId });
    document.querySelectorAll('#queue tr.selected').forEach(function (row) { row.classList.remove('selected'); });
    var row = document.querySelector('#queue tr[data-ticket-id="' + CSS.escape(ticketId) + '"]');
    if (row) row.classList.add('selected');
    var id = encodeURIComponent(ticketId);
    return Promise.all([api('/tickets/' + id), api('/tickets/' + id + '/state'), api('/tickets/' + id + '/history')])
      .then(function (answers) {
        if (view.ticket !== ticketId) return;
        renderDetail(answers[0], answers[1], answers[2]);
        $('detail').scrollIntoView({ block: 'nearest' });
      })
      .catch(report);
  }

  function closeDetail() {
    setView({ ticket: null });
    $('detail').hidden = true;
    document.querySelectorAll('#queue tr.selected').forEach(function (row) { row.classList.remove('selected'); });
  }

  function queuePath() {
    var params = new URLSearchParams({ limit: String(QUEUE_PAGE), offset: String(pageOf('page') * QUEUE_PAGE) });
    ['q', 'plan', 'status', 'channel', 'sort'].forEach(function (field) { if (view[field]) params.set(field, view[field]); });
    if (view.customer) params.set('customerId', view.customer);
    return '/queue?' + params;
  }

  function loadQueue() {
    return api(queuePath()).then(function (page) {
      queue = page.items;
      serverNow = page.asOf;
      fetchedAt = performance.now();
      renderQueue(page);
    });
  }

  function reportPath() {
    var params = new URLSearchParams({ period: 'month' });
    if (view.from) params.set('from', midnightIn(calendarZone, view.from));
    if (view.to) params.set('to', midnightIn(calendarZone, view.to));
    return '/reports/compliance?' + params;
  }

  function loadCompliance() {
    $('range-label').textContent = view.from || view.to
      ? '(' + (view.from || 'the start') + ' to ' + (view.to || 'now') + ', ' + calendarZone + ')' : '(all time)';
    return api(reportPath()).then(function (answer) { renderCompliance(answer.items); });
  }

  function loadBreaches() {
    var offset = pageOf('bpage') * BREACH_PAGE;
    return api('/breaches?limit=' + BREACH_PAGE + '&offset=' + offset).then(renderBreaches);
  }

  function loadCustomers() {
    return api('/customers?limit=500').then(function (page) {
      var select = $('f-customer');
      select.replaceChildren(select.options[0]);
      page.items.forEach(function (customer) {
        var refs = Object.keys(customer.externalRefs || {}).map(function (source) {
          return refText({ source: source, externalId: customer.externalRefs[source] });
        });
        var choice = select.appendChild(el('option', null, customer.name + (refs.length ? ' (' + refs.join(', ') + ')' : '')));
        choice.value = customer.customerId;
      });
      select.value = view.customer || '';
    });
  }

  function loadPolicies() {
    return Promise.all([api('/policies'), api('/policies/in-force')]).then(function (answers) {
      answers[0].forEach(function (version) { zones[version.version] = version.timeZone; });
      calendarZone = answers[1].timeZone;
    });
  }

  function loadAll() {
    return loadQueue().then(function () {
      return Promise.all([loadCompliance(), loadBreaches()]);
    });
  }

  function downloadCsv() {
    return request(reportPath(), 'text/csv')
      .then(function (response) { return response.blob(); })
      .then(function (blob) {
        var link = el('a');
        link.href = URL.createObjectURL(blob);
        link.download = 'compliance' + (view.from ? '-' + view.from : '') + (view.to ? '-' + view.to : '') + '.csv';
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      })
      .catch(report);
  }

  function showView() {
    $('f-q').value = view.q || '';
    ['plan', 'status', 'channel', 'customer'].forEach(function (field) { $('f-' + field).value = view[field] || ''; });
    $('f-sort').value = view.sort || 'priority';
    $('r-from').value = view.from || '';
    $('r-to').value = view.to || '';
  }

  function scheduleRefresh(what) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { (what === 'all' ? loadAll() : loadQueue()).catch(report); }, 100);
  }

  function report(error) {
    if (error && error.message !== 'unauthorised') console.error(error);
  }

  function setLive(isOn) {
    var badge = $('live');
    badge.className = 'live ' + (isOn ? 'on' : 'off');
    badge.textContent = isOn ? 'live' : 'offline';
  }

  function handleMessage(type) {
    if (type === 'queue') scheduleRefresh('queue');
    if (type === 'breach' || type === 'escalation') scheduleRefresh('all');
  }

  function listen() {
    if (!apiKey()) return;
    var controller = new AbortController();
    stream = controller;
    fetch('/live', { headers: { Authorization: 'Bearer ' + apiKey(), Accept: 'text/event-stream' }, signal: controller.signal })
      .then(function (response) {
        if (!response.ok || !response.body) throw new Error('/live answered ' + response.status);
        setLive(true);
        var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        var buffer = '';
        function read() {
          return reader.read().then(function (chunk) {
            if (chunk.done) throw new Error('the live stream ended');
            buffer += chunk.value;
            var end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              var block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              var type = 'message';
              block.split('\n').forEach(function (line) {
                if (line.indexOf('event:') === 0) type = line.slice(6).trim();
              });
              handleMessage(type);
            }
            return read();
          });
        }
        return read();
      })
      .catch(function (error) {
        setLive(false);
        if (stream !== controller) return;
        report(error);
        setTimeout(listen, 3000);
      });
  }

  function start() {
    $('key-form').hidden = true;
    $('board').hidden = false;
    $('forget').hidden = false;
    readView();
    showView();
    Promise.all([loadPolicies(), loadCustomers()])
      .then(loadAll)
      .then(function () {
        listen();
        if (view.ticket) return openDetail(view.ticket);
      })
      .catch(report);
  }

  function forget(message) {
    sessionStorage.removeItem(KEY);
    if (stream) stream.abort();
    stream = null;
    setLive(false);
    $('board').hidden = true;
    $('forget').hidden = true;
    $('key-form').hidden = false;
    $('key-error').textContent = message || '';
    $('key').focus();
  }

  function onFilter(event) {
    var field = event.target.name;
    setView({ [field]: event.target.value, page: null });
    loadQueue().catch(report);
  }

  function onPage(field, load) {
    return function (event) {
      var step = Number(event.target.dataset.step);
      if (!step) return;
      setView({ [field]: String(Math.max(0, pageOf(field) + step)) });
      load().catch(report);
    };
  }

  $('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    $('key-error').textContent = '';
    start();
  });
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); });
  $('filters').addEventListener('change', function (event) { if (event.target.name !== 'q') onFilter(event); });
  $('f-q').addEventListener('input', function (event) {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { onFilter(event); }, 250);
  });
  $('range').addEventListener('change', function (event) {
    setView({ [event.target.name]: event.target.value });
    loadCompliance().catch(report);
  });
  $('csv').addEventListener('click', downloadCsv);
  $('queue-pager').addEventListener('click', onPage('page', loadQueue));
  $('breach-pager').addEventListener('click', onPage('bpage', loadBreaches));
  $('detail-close').addEventListener('click', closeDetail);
  $('forget').addEventListener('click', function () { forget(''); });
  setInterval(tick, 1000);
  setInterval(function () { if (apiKey()) loadAll().catch(report); }, REFRESH_MS);
  if (apiKey()) start(); else forget('');
})();
`;
