// Small DOM helpers: every text goes in as a text node, so stored bodies and headers can never inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'className') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtShortTime(date, withDate) {
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withDate ? `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}` : time;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

export function fmtPercent(rate) {
  return rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)} %`;
}

export function badge(status) {
  return h('span', { className: `badge badge-${String(status).replace(/[^a-z]/g, '')}` }, status);
}

/** A loading placeholder, then the rendered content or the error. */
export async function load(container, render) {
  replace(container, h('p', { className: 'muted', 'aria-busy': 'true' }, 'Loading…'));
  try {
    replace(container, await render());
  } catch (e) {
    replace(container, errorBox(e));
  }
}

export function errorBox(e) {
  return h('div', { className: 'error', role: 'alert' }, e && e.message ? e.message : String(e));
}

let toastTimer;
export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('shown'), 5000);
}

/** A body exactly as stored (never reformatted: what was sent or received is what is shown). */
export function pre(text, label) {
  if (text === null || text === undefined || text === '') return h('p', { className: 'muted' }, `(no ${label || 'body'})`);
  return h('pre', { className: 'body', tabindex: '0', 'aria-label': label || 'body' }, text);
}

export function headersTable(headers, caption) {
  const entries = Object.entries(headers || {});
  if (!entries.length) return h('p', { className: 'muted' }, `(no ${caption.toLowerCase()})`);
  return h('table', { className: 'kv' },
    h('caption', {}, caption),
    h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}
