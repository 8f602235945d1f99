/**
 * Console entry: reads what the shell says (page, stream, whether --auth is on), asks for an
 * access key when it is (kept in sessionStorage only, checked with ListStreams), then renders the
 * page. All data comes from kvideo's public APIs through KvsApi.
 */
import { KvsApi, type Credentials } from './api.js';
import { errorText, h } from './dom.js';
import { homePage } from './home.js';
import { streamPage } from './stream.js';

const KEY = 'kvideo-console-credentials';

function start(root: HTMLElement, credentials: Credentials | undefined): void {
  const api = new KvsApi(root.dataset.region ?? 'us-west-2', credentials);
  root.replaceChildren();
  if (root.dataset.page === 'stream') streamPage(root, api, root.dataset.stream ?? '');
  else homePage(root, api);
}

function login(root: HTMLElement, message?: string): void {
  const id = h('input', {
    name: 'access-key-id',
    id: 'access-key-id',
    autocomplete: 'username',
    required: true,
  });
  const secret = h('input', {
    name: 'secret-access-key',
    id: 'secret-access-key',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = h('p', { class: 'error', id: 'login-error' }, message ?? '');
  const form = h(
    'form',
    { class: 'login', id: 'login' },
    h('h1', {}, 'kvideo'),
    h(
      'p',
      {},
      'This server enforces SigV4. Sign in with an access key from its --auth file; requests are signed in this browser.',
    ),
    h('label', {}, 'Access key ID', id),
    h('label', {}, 'Secret access key', secret),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const credentials = { accessKeyId: id.value.trim(), secretAccessKey: secret.value };
    const api = new KvsApi(root.dataset.region ?? 'us-west-2', credentials);
    api
      .call('listStreams', { MaxResults: 1 })
      .then(() => {
        sessionStorage.setItem(KEY, JSON.stringify(credentials));
        start(root, credentials);
      })
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });
  root.replaceChildren(form);
}

const root = document.getElementById('app')!;
if (root.dataset.auth === '1') {
  const saved = sessionStorage.getItem(KEY);
  if (saved) start(root, JSON.parse(saved) as Credentials);
  else login(root);
} else {
  start(root, undefined);
}
