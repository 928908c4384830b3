import { get, post, enc, query } from './api.js';
import { h, replace, load, badge, fmtTime, toast } from './dom.js';

const PRESETS = [['1', 'last hour'], ['6', 'last 6 h'], ['24', 'last 24 h'], ['168', 'last 7 days']];

function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : '';
}

/** Dead letters: filter by webhook, task, time and status; re-push one or many; see what was re-pushed. */
export function deadLettersPage(params) {
  const filters = {
    webhook_id: params.get('webhook_id') || '',
    task_id: params.get('task_id') || '',
    since: params.get('since') || '',
    until: params.get('until') || '',
    status: params.get('status') || 'pending',
    limit: params.get('limit') || '100',
  };
  const webhook = h('select', { id: 'dlq-webhook', name: 'webhook_id' }, h('option', { value: '' }, 'any webhook'));
  get('/webhooks').then(({ webhooks }) => {
    for (const w of webhooks) webhook.append(h('option', { value: w.id, selected: w.id === filters.webhook_id }, w.id));
    if (filters.webhook_id && !webhooks.some((w) => w.id === filters.webhook_id)) {
      webhook.append(h('option', { value: filters.webhook_id, selected: true }, `${filters.webhook_id} (deleted)`));
    }
  }).catch(() => {});
  const task = h('input', { id: 'dlq-task', name: 'task_id', value: filters.task_id, spellcheck: 'false' });
  const since = h('input', { id: 'dlq-since', name: 'since', type: 'datetime-local', value: toLocalInput(filters.since) });
  const until = h('input', { id: 'dlq-until', name: 'until', type: 'datetime-local', value: toLocalInput(filters.until) });
  const status = h('select', { id: 'dlq-status', name: 'status' },
    [['pending', 'pending (not re-pushed)'], ['requeued', 're-pushed'], ['all', 'all']].map(([v, l]) => h('option', { value: v, selected: v === filters.status }, l)));
  const limit = h('input', { id: 'dlq-limit', name: 'limit', type: 'number', min: 1, max: 1000, value: filters.limit });

  function apply(extra = {}) {
    const next = {
      webhook_id: webhook.value, task_id: task.value.trim(), since: fromLocalInput(since.value), until: fromLocalInput(until.value),
      status: status.value === 'pending' ? '' : status.value, limit: limit.value === '100' ? '' : limit.value, ...extra,
    };
    location.hash = `#/dlq${query(next)}`;
  }

  const form = h('form', {
    className: 'filters', role: 'search', 'aria-label': 'Filter dead letters',
    onsubmit: (event) => {
      event.preventDefault();
      apply();
    },
  },
  h('div', { className: 'field' }, h('label', { for: 'dlq-webhook' }, 'Webhook'), webhook),
  h('div', { className: 'field' }, h('label', { for: 'dlq-task' }, 'Task id'), task),
  h('div', { className: 'field' }, h('label', { for: 'dlq-since' }, 'Dead since'), since),
  h('div', { className: 'field' }, h('label', { for: 'dlq-until' }, 'Dead before'), until),
  h('div', { className: 'field' }, h('label', { for: 'dlq-status' }, 'Status'), status),
  h('div', { className: 'field narrow' }, h('label', { for: 'dlq-limit' }, 'Limit'), limit),
  h('div', { className: 'buttons' },
    h('button', { type: 'submit', className: 'primary', id: 'dlq-apply' }, 'Filter'),
    PRESETS.map(([hours, label]) => h('button', {
      type: 'button', onclick: () => apply({ since: new Date(Date.now() - hours * 3600e3).toISOString(), until: '' }),
    }, label)),
    h('a', { className: 'button', href: '#/dlq' }, 'Reset')));

  const results = h('div', { id: 'dlq-results' });
  const outcome = h('section', { id: 'repush-outcome', className: 'panel', 'aria-live': 'polite', hidden: true });
  const repushSelected = h('button', { type: 'button', className: 'primary', id: 'repush-selected', disabled: true, onclick: () => repushChecked() }, 'Re-push selected');
  let rows = [];

  function updateSelection() {
    const n = results.querySelectorAll('input[data-select]:checked').length;
    repushSelected.disabled = n === 0;
    repushSelected.textContent = n ? `Re-push selected (${n})` : 'Re-push selected';
  }

  async function refresh() {
    await load(results, async () => {
      const { dead_letters: letters } = await get(`/dlq${query({ ...filters, status: filters.status })}`);
      rows = letters;
      updateSelection();
      if (!letters.length) return h('p', { className: 'muted', id: 'dlq-empty' }, 'No dead letters match.');
      const all = h('input', {
        type: 'checkbox', id: 'select-all', 'aria-label': 'Select every pending dead letter shown',
        onchange: () => {
          for (const box of results.querySelectorAll('input[data-select]')) box.checked = all.checked;
          updateSelection();
        },
      });
      return h('table', { className: 'grid', id: 'dlq-table' },
        h('caption', {}, `${letters.length} dead letter(s), newest first${letters.length === Number(filters.limit) ? ' (limit reached)' : ''}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, all),
          ['Dead at', 'Task', 'Webhook', 'Reason', 'Last HTTP', 'Attempts', 'Status', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, letters.map((d) => h('tr', { 'data-task': d.task_id, 'data-webhook': d.webhook_id, 'data-status': d.status },
          h('td', {}, d.status === 'pending'
            ? h('input', { type: 'checkbox', 'data-select': d.id, 'aria-label': `Select ${d.task_id} → ${d.webhook_id}`, onchange: updateSelection })
            : null),
          h('td', {}, fmtTime(d.dead_at)),
          h('td', {}, h('a', { href: `#/tasks/${enc(d.task_id)}` }, d.task_id)),
          h('td', {}, d.webhook_id),
          h('td', { className: 'reason' }, d.failure_reason || ''),
          h('td', {}, d.last_http_status ?? '–'),
          h('td', {}, d.attempts),
          h('td', {}, badge(d.status === 'requeued' ? 're-pushed' : d.status), d.requeued_at ? h('small', { className: 'muted' }, ` ${fmtTime(d.requeued_at)}`) : null),
          h('td', {}, d.status === 'pending'
            ? h('button', { type: 'button', 'data-action': 'repush', onclick: () => repush([[d.task_id, d.webhook_id]]) }, 'Re-push')
            : null)))));
    });
  }

  function repushChecked() {
    const ids = new Set([...results.querySelectorAll('input[data-select]:checked')].map((b) => Number(b.dataset.select)));
    repush(rows.filter((d) => ids.has(d.id)).map((d) => [d.task_id, d.webhook_id]));
  }

  /** Re-pushes every distinct (task, webhook) given, one API call each, and lists what happened. */
  async function repush(pairs) {
    const unique = [...new Map(pairs.map((p) => [p.join('\u0000'), p])).values()];
    repushSelected.disabled = true;
    outcome.hidden = false;
    replace(outcome, h('p', { 'aria-busy': 'true' }, `Re-pushing ${unique.length}…`));
    const done = [];
    const failed = [];
    for (const [taskId, webhookId] of unique) {
      try {
        const r = await post(`/tasks/${enc(taskId)}/retry-push?webhook_id=${enc(webhookId)}`);
        for (const d of r.requeued) done.push(d);
      } catch (e) {
        failed.push([taskId, webhookId, e.message]);
      }
    }
    replace(outcome,
      h('h2', {}, `Re-pushed ${done.length} dead letter(s)${failed.length ? `, ${failed.length} failed` : ''}`),
      done.length ? h('ul', { id: 'repushed' }, done.map((d) => h('li', {},
        h('a', { href: `#/tasks/${enc(d.task_id)}` }, d.task_id), ` → ${d.webhook_id} (re-pushed ${fmtTime(d.requeued_at)})`))) : null,
      failed.length ? h('ul', { className: 'error' }, failed.map(([t, w, m]) => h('li', {}, `${t} → ${w}: ${m}`))) : null,
      h('p', { className: 'muted' }, 'They go through the replay topic; follow each task to see it delivered. ',
        h('a', { href: '#/dlq?status=requeued' }, 'All re-pushed dead letters')));
    toast(`Re-pushed ${done.length} dead letter(s)`);
    refresh();
  }

  refresh();
  return {
    title: 'Dead letters',
    node: h('section', {},
      h('div', { className: 'heading' }, h('h1', {}, 'Dead letters'), repushSelected),
      form, outcome, results),
  };
}
