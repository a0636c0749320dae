/**
 * The dashboard's script, plain browser JavaScript. The page counts down with the browser's clock between two
 * answers of the API, and only while the ticket's calendar is open, so the countdown is in business time.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var KEY = 'sla-api-key';
  var REFRESH_MS = 30000;
  var STATUS_TEXT = {
    'on-track': 'on track', 'at-risk': 'at risk', breached: 'breached', 'paused-for-training': 'paused for training',
    relaxed: 'relaxed', 'out-of-scope': 'out of scope', waived: 'waived'
  };
  var PLANS = ['premium', 'priority', 'standard'];
  var queue = [];
  var fetchedAt = 0;
  var refreshTimer = null;
  var stream = null;

  function $(id) { return document.getElementById(id); }
  function apiKey() { return sessionStorage.getItem(KEY); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + apiKey() } }).then(function (response) {
      if (response.status === 401) {
        forget('This API key is not accepted.');
        throw new Error('unauthorised');
      }
      if (!response.ok) throw new Error(path + ' answered ' + response.status);
      return response.json();
    });
  }

  function localTime(instant) {
    if (!instant) return '—';
    return new Date(instant).toLocaleString(undefined, {
      weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'
    });
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

  function renderQueue() {
    var body = $('queue');
    body.replaceChildren();
    $('queue-count').textContent = '(' + queue.length + ')';
    if (queue.length === 0) {
      var empty = el('td', 'empty', 'No ticket awaits a first response.');
      empty.colSpan = 7;
      body.appendChild(el('tr')).appendChild(empty);
      return;
    }
    queue.forEach(function (item) {
      var row = el('tr', item.status);
      row.dataset.ticketId = item.ticketId;
      row.dataset.status = item.status;
      var subject = el('td', 'subject', item.subject);
      subject.appendChild(el('span', 'id', item.ticketId.slice(0, 8))).title = item.ticketId;
      row.appendChild(subject);
      row.appendChild(el('td', null, item.customerName || item.customerId));
      row.appendChild(el('td', null, item.plan + (item.handlingPriority === 'priority' ? ' ★' : '')));
      row.appendChild(el('td', null, item.channel));
      row.appendChild(el('td', 'status', STATUS_TEXT[item.status] || item.status));
      row.appendChild(el('td', null, localTime(item.deadline)));
      row.appendChild(el('td', 'left', ''));
      body.appendChild(row);
    });
    tick();
  }

  function tick() {
    var now = performance.now();
    var rows = $('queue').querySelectorAll('tr[data-ticket-id]');
    rows.forEach(function (row, i) {
      var item = queue[i];
      var left = minutesLeft(item, now);
      row.querySelector('.left').textContent =
        left === null ? '—' : duration(left) + (item.isCalendarOpen || left < 0 ? '' : ' (closed)');
    });
  }

  function renderCompliance(items) {
    var latest = {};
    items.forEach(function (figures) {
      if (!latest[figures.plan] || latest[figures.plan].period < figures.period) latest[figures.plan] = figures;
    });
    var box = $('compliance');
    box.replaceChildren();
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 320 ' + PLANS.length * 56);
    svg.setAttribute('width', '100%');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'first responses met and missed per plan');
    PLANS.forEach(function (plan, i) {
      var f = latest[plan];
      var y = i * 56;
      var label = document.createElementNS(ns, 'text');
      label.setAttribute('x', '0');
      label.setAttribute('y', String(y + 14));
      label.textContent = f
        ? plan + ': ' + Math.round(f.rate * 100) + '% met (' + f.met + ' met, ' + f.missed + ' missed)'
        : plan + ': no first response yet';
      svg.appendChild(label);
      var total = f ? f.met + f.missed : 0;
      var metWidth = total ? (300 * f.met) / total : 0;
      [['#2e7d32', 0, metWidth], ['#c62828', metWidth, total ? 300 - metWidth : 0], ['#dde1e7', 0, total ? 0 : 300]]
        .forEach(function (bar) {
          if (bar[2] <= 0) return;
          var rect = document.createElementNS(ns, 'rect');
          rect.setAttribute('x', String(bar[1]));
          rect.setAttribute('y', String(y + 20));
          rect.setAttribute('width', String(bar[2]));
          rect.setAttribute('height', '14');
          rect.setAttribute('fill', bar[0]);
          svg.appendChild(rect);
        });
      if (f) {
        var stats = document.createElementNS(ns, 'text');
        stats.setAttribute('x', '0');
        stats.setAttribute('y', String(y + 48));
        stats.setAttribute('fill', '#6b7483');
        stats.textContent = 'median ' + f.medianBusinessMinutes + ' min, p90 ' + f.p90BusinessMinutes + ' min';
        svg.appendChild(stats);
      }
    });
    box.appendChild(svg);
  }

  function renderBreaches(items) {
    var body = $('breaches');
    body.replaceChildren();
    if (items.length === 0) {
      var empty = el('td', 'empty', 'No breach recorded.');
      empty.colSpan = 8;
      body.appendChild(el('tr')).appendChild(empty);
      return;
    }
    items.forEach(function (entry) {
      var row = el('tr');
      row.dataset.alertId = entry.alertId;
      row.appendChild(el('td', null, localTime(entry.occurredAt)));
      row.appendChild(el('td', 'kind-' + entry.kind, entry.kind + (entry.level ? ' ' + entry.level : '')));
      row.appendChild(el('td', 'subject', entry.subject)).appendChild(el('span', 'id', entry.ticketId.slice(0, 8)));
      row.appendChild(el('td', null, entry.customerName || entry.customerId));
      row.appendChild(el('td', null, entry.plan));
      row.appendChild(el('td', null, localTime(entry.deadline)));
      row.appendChild(el('td', null, entry.recipients.join(', ')));
      var delivery = entry.delivery ? entry.delivery.state : 'unknown';
      row.appendChild(el('td', 'delivery-' + delivery, delivery.replace('-', ' ')));
      body.appendChild(row);
    });
  }

  function loadQueue() {
    return api('/queue?limit=200').then(function (page) {
      queue = page.items;
      fetchedAt = performance.now();
      renderQueue();
    });
  }

  function loadAll() {
    return Promise.all([
      loadQueue(),
      api('/compliance?period=month').then(function (answer) { renderCompliance(answer.items); }),
      api('/breaches?limit=20').then(function (page) { renderBreaches(page.items); })
    ]);
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
    loadAll().then(listen, report);
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

  $('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    $('key-error').textContent = '';
    start();
  });
  $('forget').addEventListener('click', function () { forget(''); });
  setInterval(tick, 1000);
  setInterval(function () { if (apiKey()) loadAll().catch(report); }, REFRESH_MS);
  if (apiKey()) start(); else forget('');
})();
`;
