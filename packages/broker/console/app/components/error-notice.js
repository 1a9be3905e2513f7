// An error from the API, as the operator should see it: what failed, the server's code and its message.
import { html } from '../html.js';

/** @param {{ error: any, action?: string, title?: string }} props title: replaces "<action> failed" */
export function ErrorNotice({ error, action, title }) {
  if (!error) return null;
  const status = error.status ? `HTTP ${error.status} ` : '';
  return html`<div class="notice error" role="alert">
    <strong>${title ?? (action ? `${action} failed` : 'Failed')}</strong>
    <span class="code">${status}${error.code ?? ''}</span>
    <div>${error.message ?? String(error)}</div>
  </div>`;
}
