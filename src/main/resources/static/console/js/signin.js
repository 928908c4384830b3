import { api, session } from './api.js';
import { h } from './dom.js';

/** Asks for the API token and checks it with GET /webhooks before keeping it for this tab. */
export function signInPage(onSignedIn) {
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const error = h('p', { className: 'error', role: 'alert', id: 'signin-error', hidden: true });
  const button = h('button', { type: 'submit', id: 'signin' }, 'Sign in');
  const form = h('form', {
    className: 'signin',
    onsubmit: async (event) => {
      event.preventDefault();
      error.hidden = true;
      button.disabled = true;
      const token = input.value.trim();
      try {
        await api('GET', '/webhooks', undefined, token);
        session.signIn(token);
        onSignedIn();
      } catch (e) {
        error.textContent = e.status === 401 ? 'That token was refused.' : e.message;
        error.hidden = false;
        input.focus();
      } finally {
        button.disabled = false;
      }
    },
  },
  h('h1', {}, 'idp-push console'),
  h('p', { className: 'muted' }, 'Sign in with the API token (IDP_PUSH_API_TOKEN; in the local run it is printed at start and kept in data/api-token). It is kept in this tab only.'),
  h('label', { for: 'token' }, 'API token'),
  input,
  error,
  button);
  setTimeout(() => input.focus(), 0);
  return form;
}
