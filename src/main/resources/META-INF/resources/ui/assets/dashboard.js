// Coherence dashboard of the pod that serves it: the live feed of changes (all of them) and this pod's figures
// from /ui/dashboard/metrics, polled every second and drawn as small line charts of the last few minutes, and the
// operational figures of the Grafana and CloudWatch dashboards (outbox, store, consistency checks, errors).
(() => {
  'use strict';
  const { el } = window.Catalog;
  const $ = (id) => document.getElementById(id);
  const HISTORY = 180;
  const FEED_ROWS = 50;
  const history = { p50: [], p99: [], l1: [], l2: [] };
  let last = null;

  const push = (series, value) => {
    series.push(value);
    if (series.length > HISTORY) {
      series.shift();
    }
  };
  const fixed = (n, d) => (Number.isFinite(n) ? n.toFixed(d) : '–');

  function chart(svg, lines) {
    const max = Math.max(1e-9, ...lines.flatMap((l) => l.values));
    svg.replaceChildren(...lines.map((l) => {
      const points = l.values.map((v, i) => (i * 300 / (HISTORY - 1)).toFixed(1) + ',' + (58 - (v / max) * 54).toFixed(1));
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', points.join(' '));
      line.setAttribute('class', l.cls);
      return line;
    }));
  }

  function render(m) {
    $('pod').textContent = m.pod;
    $('p50').textContent = fixed(m.propagation.p50Millis, 1);
    $('p99').textContent = fixed(m.propagation.p99Millis, 1);
    $('applied').textContent = String(Math.round(m.feed.applied));
    push(history.p50, m.propagation.p50Millis);
    push(history.p99, m.propagation.p99Millis);
    chart($('chart-propagation'), [{ values: history.p99, cls: 'l-p99' }, { values: history.p50, cls: 'l-p50' }]);

    const rows = Object.entries(m.tiers).map(([tier, t]) => {
      const total = t.hits + t.misses;
      // the chart: the hit ratio of the last second's lookups (the previous value when there were none)
      const before = last && last.tiers[tier];
      const lookups = before ? total - before.hits - before.misses : total;
      const hits = before ? t.hits - before.hits : t.hits;
      if (tier in history) {
        const previous = history[tier].length ? history[tier][history[tier].length - 1] : 0;
        push(history[tier], lookups > 0 ? hits / lookups : previous);
      }
      return el('tr', {}, el('th', { scope: 'row' }, tier.toUpperCase()), el('td', { class: 'num' }, String(t.hits)),
        el('td', { class: 'num' }, String(t.misses)), el('td', { class: 'num' }, total ? fixed(100 * t.hits / total, 1) + ' %' : '–'));
    });
    $('tiers').replaceChildren(...rows);
    chart($('chart-tiers'), [{ values: history.l1, cls: 'l-l1' }, { values: history.l2, cls: 'l-l2' }]);

    const state = $('feed-state');
    state.textContent = m.feed.healthy ? 'healthy' : 'interrupted';
    state.className = 'badge ' + (m.feed.healthy ? 'good' : 'bad');
    $('feed-lag').textContent = fixed(m.feed.lagSeconds, 1);
    $('streams').textContent = String(Math.round(m.liveStreams));

    const purges = m.purges.length ? m.purges.map((p) => el('tr', {}, el('td', {}, p.target), el('td', {}, p.outcome),
      el('td', { class: 'num' }, String(Math.round(p.count))))) : [el('tr', {}, el('td', { colspan: '3' }, 'No edge target configured, or no purge yet'))];
    $('purges').replaceChildren(...purges);
    const cf = m.cloudFront;
    $('budget').textContent = !cf.configured ? 'not configured (no CloudFront distribution)'
      : (cf.budgetExhausted ? 'used up this month: the edge relies on max-age' : 'within budget')
        + ', ' + Math.round(cf.pathsInFlight) + ' tags or paths in flight';
    operations(m.operations);
    last = m;
  }

  function badge(id, good, text) {
    const b = $(id);
    b.textContent = text;
    b.className = 'badge ' + (good ? 'good' : 'bad');
  }

  function operations(o) {
    $('outbox').textContent = String(Math.round(o.outboxPending));
    badge('outbox-state', o.outboxPending <= 100, o.outboxPending <= 100 ? 'draining' : 'backlog');
    $('store-loads').textContent = String(Math.round(o.storeLoads));
    $('reloads').textContent = String(Math.round(o.consistentReloads));
    $('dax').textContent = String(Math.round(o.daxFallbacks));
    $('breaker').textContent = o.storeBreakerOpen ? 'open: uncached reads and writes answer 503' : 'closed';
    const consistent = o.consistencyChecks.consistent || 0;
    const stale = o.consistencyChecks.stale || 0;
    $('checks-consistent').textContent = String(Math.round(consistent));
    $('checks-stale').textContent = String(Math.round(stale));
    badge('checks-state', stale === 0, consistent + stale === 0 ? 'no check yet' : (stale === 0 ? 'consistent' : 'stale found'));
    const a = o.answers;
    const share = (n) => (a.total ? fixed(100 * n / a.total, 1) + '\u00a0%' : '–');
    $('errors').replaceChildren(...[['all', a.total], ['5xx', a.serverErrors], ['503 (store unavailable)', a.unavailable],
      ['429 (rate limited)', a.throttled]].map(([name, n]) => el('tr', {}, el('th', { scope: 'row' }, name),
      el('td', { class: 'num' }, String(Math.round(n))), el('td', { class: 'num' }, name === 'all' ? '' : share(n)))));
  }

  async function poll() {
    try {
      const response = await fetch('/ui/dashboard/metrics', { cache: 'no-store' });
      if (response.ok) {
        render(await response.json());
      }
    } catch (e) {
      $('feed-state').textContent = 'unreachable';
    } finally {
      setTimeout(poll, 1000);
    }
  }

  function feed() {
    const state = document.querySelector('[data-live-state]');
    const source = new EventSource('/events/products');
    source.addEventListener('open', () => { state.textContent = 'live'; });
    source.addEventListener('error', () => { state.textContent = 'reconnecting'; });
    source.addEventListener('product', (e) => {
      const c = JSON.parse(e.data);
      const body = $('feed');
      body.querySelectorAll('tr.empty').forEach((r) => r.remove());
      body.prepend(el('tr', { 'data-change': c.id },
        el('td', {}, new Date().toLocaleTimeString()),
        el('td', {}, el('a', { href: '/ui/products/' + encodeURIComponent(c.id) }, c.id)),
        el('td', { class: 'num' }, c.deleted ? 'deleted' : Number(c.price).toFixed(2) + ' ' + c.currency),
        el('td', { class: 'num' }, String(c.version)),
        el('td', { class: 'num' }, String(c.sequence))));
      while (body.rows.length > FEED_ROWS) {
        body.deleteRow(body.rows.length - 1);
      }
    });
    window.addEventListener('pagehide', () => source.close());
  }

  feed();
  poll();
})();
