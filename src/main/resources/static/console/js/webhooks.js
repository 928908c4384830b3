import { get, post, put, del, enc } from './api.js';
import { h, replace, load, badge, fmtMs, pre, toast, errorBox } from './dom.js';

const SECRET_FIELD = { basic: 'password', bearer: 'token', api_key: 'key_value' };
const AUTH_FIELDS = {
  none: [],
  basic: [['username', 'Username', false], ['password', 'Password', true]],
  bearer: [['token', 'Bearer token', true]],
  api_key: [['key_name', 'Header name (e.g. X-API-Key)', false], ['key_value', 'Key', true]],
};

/** The request that keeps a webhook as it is (secrets as "***": the stored ones are kept). */
function asRequest(view) {
  return {
    name: view.name, url: view.url, enabled: view.enabled, rule_ids: view.rule_ids, auth_type: view.auth_type,
    auth_config: view.auth_config, body_template: view.body_template, headers: view.headers, timeout_ms: view.timeout_ms,
  };
}

export function webhooksPage() {
  const list = h('div', { id: 'webhook-list' });
  const result = h('section', { id: 'test-result', 'aria-live': 'polite', className: 'panel', hidden: true });

  async function refresh() {
    await load(list, async () => {
      const { webhooks } = await get('/webhooks');
      if (!webhooks.length) return h('p', { className: 'muted' }, 'No webhooks yet.');
      return h('table', { className: 'grid' },
        h('thead', {}, h('tr', {}, ['Id', 'Name', 'URL', 'Rules', 'Auth', 'State', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, webhooks.map((w) => h('tr', { 'data-webhook': w.id },
          h('td', {}, h('a', { href: `#/webhooks/${enc(w.id)}` }, w.id)),
          h('td', {}, w.name),
          h('td', { className: 'url' }, w.url),
          h('td', {}, w.rule_ids.join(', ')),
          h('td', {}, w.auth_type),
          h('td', {}, badge(w.enabled ? 'enabled' : 'disabled')),
          h('td', { className: 'actions' },
            h('button', { type: 'button', 'data-action': 'test', onclick: () => test(w) }, 'Send test'),
            h('button', { type: 'button', 'data-action': 'toggle', onclick: () => toggle(w) }, w.enabled ? 'Disable' : 'Enable'),
            h('a', { className: 'button', href: `#/webhooks/${enc(w.id)}`, 'data-action': 'edit' }, 'Edit'),
            h('button', { type: 'button', className: 'danger', 'data-action': 'delete', onclick: () => remove(w) }, 'Delete'))))));
    });
  }

  async function test(w) {
    result.hidden = false;
    replace(result, h('p', { 'aria-busy': 'true' }, `Sending a test delivery to ${w.id}…`));
    result.scrollIntoView({ block: 'nearest' });
    try {
      const r = await post(`/webhooks/${enc(w.id)}/test`);
      replace(result,
        h('h2', {}, `Test delivery to ${w.id}: `, badge(r.success ? 'delivered' : 'failed')),
        h('dl', { className: 'facts' },
          h('dt', {}, 'HTTP status'), h('dd', { id: 'test-http-status' }, r.http_status ?? 'no response'),
          h('dt', {}, 'Duration'), h('dd', {}, fmtMs(r.duration_ms)),
          r.error_message ? [h('dt', {}, 'Error'), h('dd', {}, r.error_message)] : null),
        h('h3', {}, 'Response body'), pre(r.response_body, 'response body'),
        h('p', { className: 'muted' }, 'Test deliveries are logged with stage "api" and a task id starting with TEST_.'));
    } catch (e) {
      replace(result, errorBox(e));
    }
  }

  async function toggle(w) {
    try {
      await put(`/webhooks/${enc(w.id)}`, { ...asRequest(w), enabled: !w.enabled });
      toast(`${w.id} ${w.enabled ? 'disabled' : 'enabled'}`);
      refresh();
    } catch (e) {
      toast(e.message);
    }
  }

  async function remove(w) {
    if (!window.confirm(`Delete webhook ${w.id}? Its push logs and dead letters stay.`)) return;
    try {
      await del(`/webhooks/${enc(w.id)}`);
      toast(`${w.id} deleted`);
      refresh();
    } catch (e) {
      toast(e.message);
    }
  }

  refresh();
  return {
    title: 'Webhooks',
    node: h('section', {},
      h('div', { className: 'heading' }, h('h1', {}, 'Webhooks'), h('a', { className: 'button primary', href: '#/webhooks/new', id: 'new-webhook' }, 'New webhook')),
      result, list),
  };
}

function field(id, label, input, hint) {
  return h('div', { className: 'field', 'data-field': id },
    h('label', { for: id }, label), input,
    hint ? h('small', { className: 'muted', id: `${id}-hint` }, hint) : null,
    h('small', { className: 'field-error', id: `${id}-error`, hidden: true }));
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i < 1) throw new Error(`Header line "${line}" is not "Name: value"`);
    headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Create (id null) or edit a webhook. Secret inputs start empty: stored secrets are never shown back. */
export function webhookFormPage(id) {
  const container = h('div', {});
  const editing = id !== null;
  load(container, async () => {
    const w = editing ? await get(`/webhooks/${enc(id)}`) : null;
    const inputs = {
      id: h('input', { id: 'wh-id', name: 'id', required: !editing, readonly: editing, value: editing ? w.id : '', pattern: '[A-Za-z0-9_.:\\-]{1,64}', 'aria-describedby': 'wh-id-hint' }),
      name: h('input', { id: 'wh-name', name: 'name', value: w ? w.name : '' }),
      url: h('input', { id: 'wh-url', name: 'url', type: 'url', required: true, value: w ? w.url : '', placeholder: 'https://erp.example.com/hooks/idp' }),
      rules: h('input', { id: 'wh-rules', name: 'rule_ids', required: true, value: w ? w.rule_ids.join(', ') : '', 'aria-describedby': 'wh-rules-hint' }),
      enabled: h('input', { id: 'wh-enabled', name: 'enabled', type: 'checkbox', checked: w ? w.enabled : true }),
      authType: h('select', { id: 'wh-auth-type', name: 'auth_type' },
        Object.keys(AUTH_FIELDS).map((t) => h('option', { value: t, selected: (w ? w.auth_type : 'none') === t }, t))),
      secret: h('input', {
        id: 'wh-secret', name: 'secret_key', type: 'password', autocomplete: 'new-password', 'aria-describedby': 'wh-secret-hint',
        placeholder: editing ? 'stored – leave empty to keep' : 'leave empty to have one generated',
      }),
      template: h('textarea', { id: 'wh-template', name: 'body_template', rows: 4, spellcheck: 'false' }, w && w.body_template ? w.body_template : ''),
      headers: h('textarea', { id: 'wh-headers', name: 'headers', rows: 3, spellcheck: 'false', 'aria-describedby': 'wh-headers-hint' },
        w ? Object.entries(w.headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n') : ''),
      timeout: h('input', { id: 'wh-timeout', name: 'timeout_ms', type: 'number', min: 100, max: 600000, value: w && w.timeout_ms ? w.timeout_ms : '' }),
    };
    const authBox = h('fieldset', { className: 'auth' });
    const authInputs = {};
    function renderAuth() {
      const type = inputs.authType.value;
      const secretField = SECRET_FIELD[type];
      const stored = editing && w.auth_type === type;
      replace(authBox, h('legend', {}, 'Receiver authentication'),
        AUTH_FIELDS[type].length ? null : h('p', { className: 'muted' }, 'No authentication header.'),
        AUTH_FIELDS[type].map(([name, label, secret]) => {
          const value = !secret && stored ? w.auth_config[name] || '' : '';
          authInputs[name] = h('input', {
            id: `wh-auth-${name}`, name, value, type: secret ? 'password' : 'text', autocomplete: secret ? 'new-password' : 'off',
            placeholder: secret && stored ? 'stored – leave empty to keep (re-enter when the URL changes)' : '',
            required: !(secret && stored),
          });
          return field(`wh-auth-${name}`, label, authInputs[name]);
        }));
      for (const key of Object.keys(authInputs)) if (!AUTH_FIELDS[type].some(([n]) => n === key)) delete authInputs[key];
      if (secretField && !authInputs[secretField]) delete authInputs[secretField];
    }
    inputs.authType.addEventListener('change', renderAuth);
    renderAuth();

    const formError = h('div', { className: 'error', role: 'alert', id: 'form-error', hidden: true });
    const form = h('form', {
      className: 'stack', id: 'webhook-form', novalidate: false,
      onsubmit: async (event) => {
        event.preventDefault();
        formError.hidden = true;
        for (const el of form.querySelectorAll('.field-error')) el.hidden = true;
        let request;
        try {
          const authConfig = {};
          for (const [name, input] of Object.entries(authInputs)) {
            authConfig[name] = input.value === '' && input.type === 'password' ? '***' : input.value;
          }
          request = {
            id: editing ? w.id : inputs.id.value.trim(),
            name: inputs.name.value.trim(),
            url: inputs.url.value.trim(),
            enabled: inputs.enabled.checked,
            rule_ids: inputs.rules.value.split(',').map((r) => r.trim()).filter(Boolean),
            auth_type: inputs.authType.value,
            auth_config: authConfig,
            secret_key: inputs.secret.value === '' ? undefined : inputs.secret.value,
            body_template: inputs.template.value.trim() === '' ? null : inputs.template.value,
            headers: parseHeaders(inputs.headers.value),
            timeout_ms: inputs.timeout.value === '' ? null : Number(inputs.timeout.value),
          };
        } catch (e) {
          formError.textContent = e.message;
          formError.hidden = false;
          return;
        }
        try {
          const saved = editing ? await put(`/webhooks/${enc(w.id)}`, request) : await post('/webhooks', request);
          toast(`Webhook ${saved.id} saved`);
          location.hash = '#/webhooks';
        } catch (e) {
          formError.textContent = e.message;
          formError.hidden = false;
          for (const problem of (e.problem && e.problem.errors) || []) {
            const key = { id: 'wh-id', name: 'wh-name', url: 'wh-url', rule_ids: 'wh-rules', secret_key: 'wh-secret', body_template: 'wh-template', headers: 'wh-headers', timeout_ms: 'wh-timeout' }[problem.field]
              || (problem.field.startsWith('auth_config.') ? `wh-auth-${problem.field.slice(12)}` : null);
            const slot = key && document.getElementById(`${key}-error`);
            if (slot) {
              slot.textContent = problem.message;
              slot.hidden = false;
            }
          }
          formError.focus && formError.scrollIntoView({ block: 'nearest' });
        }
      },
    },
    field('wh-id', 'Id', inputs.id, 'Letters, digits and _ . : - (up to 64); fixed once created.'),
    field('wh-name', 'Name', inputs.name),
    field('wh-url', 'URL', inputs.url),
    field('wh-rules', 'Rule ids', inputs.rules, 'Comma-separated; * for every rule.'),
    h('div', { className: 'field check' }, inputs.enabled, h('label', { for: 'wh-enabled' }, 'Enabled')),
    field('wh-auth-type', 'Authentication', inputs.authType),
    authBox,
    field('wh-secret', 'Signing secret', inputs.secret,
      editing ? (w.has_secret_key ? 'A signing secret is stored; it is never shown. Type a new one (16+ characters) to replace it.' : 'None stored.')
        : 'At least 16 characters; left empty, one is generated (never shown: set it here if the receiver must verify signatures).'),
    field('wh-template', 'Body template (Mustache, optional)', inputs.template),
    field('wh-headers', 'Extra headers', inputs.headers, 'One "Name: value" per line.'),
    field('wh-timeout', 'Timeout (ms, optional)', inputs.timeout),
    formError,
    h('div', { className: 'buttons' },
      h('button', { type: 'submit', className: 'primary', id: 'save-webhook' }, editing ? 'Save changes' : 'Create webhook'),
      h('a', { className: 'button', href: '#/webhooks' }, 'Cancel')));
    return form;
  });
  return {
    title: editing ? `Webhook ${id}` : 'New webhook',
    node: h('section', {}, h('h1', {}, editing ? `Edit webhook ${id}` : 'New webhook'), container),
  };
}
