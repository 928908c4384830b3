import { get, post, enc } from './api.js';
import { h, replace, load, badge, fmtTime, fmtMs, pre, headersTable, toast } from './dom.js';

/** Task lookup: push status per webhook, then every attempt (request and response) oldest first. */
export function tasksPage(taskId) {
  const input = h('input', { id: 'task-id', name: 'task_id', value: taskId, required: true, spellcheck: 'false', placeholder: 'T_20251214_0001' });
  const form = h('form', {
    className: 'inline', role: 'search',
    onsubmit: (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (value) location.hash = `#/tasks/${enc(value)}`;
    },
  }, h('label', { for: 'task-id' }, 'Task id'), input, h('button', { type: 'submit', id: 'find-task' }, 'Look up'));
  const status = h('div', { id: 'task-status' });
  const timeline = h('div', { id: 'task-timeline' });
  let timer = null;
  let emptyPolls = 0;

  async function refresh(quiet) {
    if (!taskId) return;
    const render = async () => {
      const [{ webhooks }, { logs }] = await Promise.all([
        get(`/tasks/${enc(taskId)}/push-status`), get(`/tasks/${enc(taskId)}/push-logs`)]);
      const open = new Set([...timeline.querySelectorAll('details[open]')].map((d) => d.closest('li').dataset.id));
      replace(timeline, renderTimeline(logs));
      for (const li of timeline.querySelectorAll('li[data-id]')) if (open.has(li.dataset.id)) li.querySelector('details')?.setAttribute('open', '');
      // keep watching while a delivery is still on its way
      clearTimeout(timer);
      // and for a little while when nothing is recorded yet (the event may just have been published)
      if (webhooks.some((w) => w.status === 'retrying') || (!webhooks.length && emptyPolls++ < 15)) {
        timer = setTimeout(() => refresh(true), 2000);
      }
      return renderStatus(webhooks);
    };
    if (quiet) {
      try {
        replace(status, await render());
      } catch {
        /* the next look-up shows it */
      }
    } else {
      await load(status, render);
    }
  }

  function renderStatus(webhooks) {
    if (!webhooks.length) return h('p', { className: 'muted', id: 'no-deliveries' }, `No deliveries recorded for task ${taskId} (yet).`);
    return h('table', { className: 'grid', id: 'status-table' },
      h('caption', {}, 'Push status per webhook'),
      h('thead', {}, h('tr', {}, ['Webhook', 'Status', 'Attempts', 'Last HTTP', 'Last attempt', 'Last error', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, webhooks.map((w) => h('tr', { 'data-webhook': w.webhook_id, 'data-status': w.status },
        h('td', {}, w.webhook_id),
        h('td', {}, badge(w.status)),
        h('td', {}, w.attempts),
        h('td', {}, w.last_http_status ?? '–'),
        h('td', {}, fmtTime(w.last_attempt_at)),
        h('td', { className: 'reason' }, w.last_error || ''),
        h('td', {}, w.status === 'dead'
          ? h('button', { type: 'button', 'data-action': 'repush', onclick: () => repush(w.webhook_id) }, 'Re-push')
          : null)))));
  }

  async function repush(webhookId) {
    try {
      const r = await post(`/tasks/${enc(taskId)}/retry-push?webhook_id=${enc(webhookId)}`);
      toast(`Re-pushed ${r.requeued.length} dead letter(s) of ${webhookId}`);
    } catch (e) {
      toast(e.message);
    }
    refresh();
  }

  refresh();
  return {
    title: taskId ? `Task ${taskId}` : 'Tasks',
    cleanup: () => clearTimeout(timer),
    node: h('section', {}, h('h1', {}, taskId ? `Task ${taskId}` : 'Task lookup'), form, status,
      taskId ? h('h2', {}, 'Attempts, oldest first') : null, timeline),
  };
}

function renderTimeline(logs) {
  if (!logs.length) return h('p', { className: 'muted' }, 'No attempts.');
  return h('ol', { className: 'timeline', id: 'attempts' }, logs.map((log) => {
    if (log.dead_lettered) {
      return h('li', { className: 'attempt dead-marker', 'data-kind': 'dead-letter' },
        h('span', { className: 'when' }, fmtTime(log.created_at)), ' ',
        h('strong', {}, log.webhook_id), ' ', badge('dead'), ' dead-lettered after ', log.retry_count + 1, ' attempt(s)',
        log.error_message ? `: ${log.error_message}` : '');
    }
    const outcome = log.success ? 'delivered' : log.outcome;
    return h('li', { className: `attempt ${log.success ? 'ok' : 'failed'}`, 'data-kind': 'attempt', 'data-id': log.id, 'data-webhook': log.webhook_id },
      h('details', {},
        h('summary', {},
          h('span', { className: 'when' }, fmtTime(log.created_at)), ' ',
          h('strong', {}, log.webhook_id), ' · attempt ', log.retry_count + 1, ' · ', h('code', {}, log.stage || '?'), ' · ',
          log.http_status ? `HTTP ${log.http_status}` : 'no response', ' · ', fmtMs(log.duration_ms), ' ', badge(outcome),
          log.error_message && !log.success ? h('span', { className: 'reason' }, ` ${log.error_message}`) : null),
        h('div', { className: 'exchange' },
          h('div', {},
            h('h3', {}, 'Request'),
            h('p', {}, h('code', {}, `POST ${log.request_url || ''}`)),
            headersTable(log.request_headers, 'Request headers'),
            pre(log.request_body, 'request body')),
          h('div', {},
            h('h3', {}, 'Response'),
            h('p', {}, log.http_status ? `HTTP ${log.http_status}` : `no response${log.error_message ? `: ${log.error_message}` : ''}`),
            headersTable(log.response_headers, 'Response headers'),
            pre(log.response_body, 'response body')),
          h('p', { className: 'muted' }, 'Delivery ', h('code', {}, log.delivery_id)))));
  }));
}
