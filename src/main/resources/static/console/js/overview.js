import { get, query } from './api.js';
import { h, replace, fmtMs, fmtPercent, errorBox, fmtTime } from './dom.js';
import { timeChart, PALETTE } from './charts.js';

const WINDOWS = [['1', '1 hour'], ['6', '6 hours'], ['24', '24 hours'], ['72', '3 days'], ['168', '7 days']];
const REFRESH_MS = 30000;

/** Figures and charts over the last hours: success rate, latency percentiles, stages, DLQ and consumer lag. */
export function overviewPage(params) {
  const hours = params.get('hours') || '6';
  const webhookId = params.get('webhook_id') || '';
  const windowSelect = h('select', { id: 'ov-hours', name: 'hours' }, WINDOWS.map(([v, l]) => h('option', { value: v, selected: v === hours }, l)));
  const webhookSelect = h('select', { id: 'ov-webhook', name: 'webhook_id' }, h('option', { value: '' }, 'all webhooks'));
  get('/webhooks').then(({ webhooks }) => {
    for (const w of webhooks) webhookSelect.append(h('option', { value: w.id, selected: w.id === webhookId }, w.id));
  }).catch(() => {});
  const go = () => {
    location.hash = `#/overview${query({ hours: windowSelect.value === '6' ? '' : windowSelect.value, webhook_id: webhookSelect.value })}`;
  };
  windowSelect.addEventListener('change', go);
  webhookSelect.addEventListener('change', go);
  const auto = h('input', { type: 'checkbox', id: 'ov-auto', checked: true });
  const updated = h('span', { className: 'muted', id: 'ov-updated' });
  const tiles = h('div', { className: 'tiles', id: 'ov-tiles' });
  const charts = h('div', { className: 'charts', id: 'ov-charts' }, h('p', { className: 'muted', 'aria-busy': 'true' }, 'Loading…'));
  let timer = null;

  async function refresh() {
    clearTimeout(timer);
    try {
      const [stats, ts] = await Promise.all([
        get(`/stats${query({ hours, webhook_id: webhookId })}`),
        get(`/stats/timeseries${query({ hours, webhook_id: webhookId })}`)]);
      render(stats, ts);
      updated.textContent = `updated ${fmtTime(new Date().toISOString()).slice(11, 19)}`;
    } catch (e) {
      replace(charts, errorBox(e));
    }
    if (auto.checked) timer = setTimeout(refresh, REFRESH_MS);
  }
  auto.addEventListener('change', () => (auto.checked ? refresh() : clearTimeout(timer)));

  function render(stats, ts) {
    const lag = ts.consumer_lag;
    replace(tiles,
      tile('Success rate', fmtPercent(stats.success_rate), `${stats.successful_attempts} of ${stats.attempts} attempts`, 'tile-success'),
      tile('Deliveries delivered', `${stats.delivered_deliveries} / ${stats.deliveries}`, 'deliveries with a successful attempt', 'tile-deliveries'),
      tile('Latency p50 / p95 / p99', `${fmtMs(ts.overall.p50_ms)} / ${fmtMs(ts.overall.p95_ms)} / ${fmtMs(ts.overall.p99_ms)}`, `average ${fmtMs(stats.avg_duration_ms)}`, 'tile-latency'),
      tile('Dead letters pending', String(stats.dlq_size), h('a', { href: '#/dlq' }, 'open the DLQ'), 'tile-dlq'),
      tile('Consumer lag', lag.total === null ? '–' : String(lag.total),
        lag.error ? `not measured: ${lag.error}` : lag.measured_at ? `group ${lag.group_id}, ${fmtTime(lag.measured_at).slice(11, 19)}` : 'first sample soon', 'tile-lag'));

    const bucketMs = ts.bucket_seconds * 1000;
    const buckets = ts.buckets.map((b) => ({ ...b, t: new Date(b.start) }));
    const from = buckets.length ? buckets[0].t : new Date(Date.now() - hours * 3600e3);
    const to = buckets.length ? new Date(buckets[buckets.length - 1].t.getTime() + bucketMs) : new Date();
    const mid = (b) => new Date(b.t.getTime() + bucketMs / 2);
    const count = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
    const stages = [...new Set(buckets.flatMap((b) => Object.keys(b.attempts_by_stage)))].sort(stageOrder);
    const per = `per ${ts.bucket_seconds >= 3600 ? `${ts.bucket_seconds / 3600} h` : `${ts.bucket_seconds / 60} min`}`;

    replace(charts,
      timeChart({
        id: 'chart-attempts', title: `Attempts ${per}`, from, to, kind: 'bars', format: count, minMax: 2,
        series: [
          { name: 'successful', color: '#2e9e6a', points: buckets.map((b) => ({ t: b.t, w: bucketMs, v: b.successful_attempts })) },
          { name: 'failed', color: '#c23c5a', points: buckets.map((b) => ({ t: b.t, w: bucketMs, v: b.attempts - b.successful_attempts })) }],
      }),
      timeChart({
        id: 'chart-success', title: 'Success rate of attempts', from, to, kind: 'lines', max: 1, format: (v) => `${Math.round(v * 100)} %`,
        series: [{ name: 'success rate', color: '#2e9e6a', points: buckets.map((b) => ({ t: mid(b), v: b.success_rate })) }],
      }),
      timeChart({
        id: 'chart-latency', title: 'Attempt latency percentiles', from, to, kind: 'lines', format: fmtMs,
        series: [
          { name: 'p50', color: PALETTE[0], points: buckets.map((b) => ({ t: mid(b), v: b.p50_ms })) },
          { name: 'p95', color: PALETTE[1], points: buckets.map((b) => ({ t: mid(b), v: b.p95_ms })) },
          { name: 'p99', color: PALETTE[4], points: buckets.map((b) => ({ t: mid(b), v: b.p99_ms })) }],
      }),
      timeChart({
        id: 'chart-stages', title: `Attempts by stage ${per} (intake = first attempts; retry topics, replay = re-push, api = test)`, from, to,
        kind: 'bars', format: count, minMax: 2, legend: true,
        series: stages.map((stage, i) => ({ name: stage, color: PALETTE[i % PALETTE.length], points: buckets.map((b) => ({ t: b.t, w: bucketMs, v: b.attempts_by_stage[stage] || 0 })) })),
      }),
      timeChart({
        id: 'chart-dead', title: `Dead letters ${per}`, from, to, kind: 'bars', format: count, minMax: 2,
        series: [{ name: 'dead letters', color: '#c23c5a', points: buckets.map((b) => ({ t: b.t, w: bucketMs, v: b.dead_letters })) }],
      }),
      timeChart({
        id: 'chart-lag', title: `Consumer lag (group ${lag.group_id}; sampled by this instance since it started)`, from, to, kind: 'lines', format: count, minMax: 2,
        series: [{ name: 'lag', color: PALETTE[2], points: lag.samples.map((p) => ({ t: new Date(p.at), v: p.lag })) }],
      }));
  }

  refresh();
  return {
    title: 'Overview',
    cleanup: () => clearTimeout(timer),
    node: h('section', {},
      h('div', { className: 'heading' }, h('h1', {}, 'Overview'),
        h('form', { className: 'inline', onsubmit: (e) => { e.preventDefault(); refresh(); } },
          h('label', { for: 'ov-hours' }, 'Window'), windowSelect,
          h('label', { for: 'ov-webhook' }, 'Webhook'), webhookSelect,
          h('button', { type: 'submit', id: 'ov-refresh' }, 'Refresh'),
          h('span', { className: 'check' }, auto, h('label', { for: 'ov-auto' }, 'every 30 s')), updated)),
      tiles, charts),
  };
}

function tile(label, value, note, id) {
  return h('div', { className: 'tile', id },
    h('div', { className: 'tile-label' }, label),
    h('div', { className: 'tile-value' }, value),
    h('div', { className: 'tile-note muted' }, note));
}

function stageOrder(a, b) {
  const rank = (s) => (s === 'intake' ? 0 : s.includes('retry') ? 1 : s === 'replay' ? 2 : s === 'api' ? 3 : 4);
  const seconds = (s) => Number((s.match(/(\d+)s$/) || [0, 0])[1]);
  return rank(a) - rank(b) || seconds(a) - seconds(b) || a.localeCompare(b);
}
