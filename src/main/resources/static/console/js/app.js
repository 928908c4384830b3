// The console's router: #/overview, #/webhooks[/new|/<id>], #/tasks[/<task id>], #/dlq?<filters>.
import { session } from './api.js';
import { replace, h } from './dom.js';
import { signInPage } from './signin.js';
import { overviewPage } from './overview.js';
import { webhooksPage, webhookFormPage } from './webhooks.js';
import { tasksPage } from './tasks.js';
import { deadLettersPage } from './deadletters.js';

const main = document.getElementById('main');
let cleanup = null;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search || '') };
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const { parts, params } = parseHash();
  const signedIn = !!session.token();
  document.getElementById('top').hidden = !signedIn;
  if (!signedIn) {
    document.title = 'Sign in · idp-push console';
    replace(main, signInPage(() => {
      if (!parts.length || parts[0] === 'signin') location.hash = '#/overview'; // hashchange routes
      else route();
    }));
    return;
  }
  const page = parts[0] || 'overview';
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  let view;
  if (page === 'overview') view = overviewPage(params);
  else if (page === 'webhooks' && parts[1] === 'new') view = webhookFormPage(null);
  else if (page === 'webhooks' && parts[1]) view = webhookFormPage(parts[1]);
  else if (page === 'webhooks') view = webhooksPage();
  else if (page === 'tasks') view = tasksPage(parts[1] || params.get('task_id') || '');
  else if (page === 'dlq') view = deadLettersPage(params);
  else view = { title: 'Not found', node: h('p', {}, 'No such page. ', h('a', { href: '#/overview' }, 'Overview')) };
  document.title = `${view.title} · idp-push console`;
  cleanup = view.cleanup || null;
  replace(main, view.node);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  location.hash = '#/signin';
  route();
});
window.addEventListener('console:signed-out', () => route());
window.addEventListener('hashchange', route);
route();
