// The login form, shown instead of the pages while the broker asks for a login and the console has none.
import { html, useState } from '../html.js';
import { ErrorNotice } from '../components/error-notice.js';

/** @param {{ login: (username: string, password: string) => Promise<void> }} props */
export function LoginPage({ login }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {any} */ (null));

  /** @param {Event} e */
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(err);
      setPassword(''); // never keep a refused password in the form
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="login">
    <form class="panel login-form" onSubmit=${submit} aria-label="Log in">
      <h1>klog</h1>
      <p class="muted">This broker has users: log in to see its topics, groups and queues.</p>
      <label>Username
        <input name="username" autocomplete="username" required autofocus value=${username} onInput=${(/** @type {any} */ e) => setUsername(e.currentTarget.value)} />
      </label>
      <label>Password
        <input name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(/** @type {any} */ e) => setPassword(e.currentTarget.value)} />
      </label>
      <${ErrorNotice} error=${error} title="Login refused" />
      <div class="form-actions"><button type="submit" disabled=${busy}>${busy ? 'Logging in…' : 'Log in'}</button></div>
    </form>
  </main>`;
}
