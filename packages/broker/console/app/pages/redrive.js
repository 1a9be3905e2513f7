// Moves a queue's dead letters back to their source topics, where the queue delivers them again. Two steps,
// because re-driving records that still fail only fills the dead-letter topic again: ask, then confirm.
import { html, useState } from '../html.js';
import { postJson, seg } from '../api.js';
import { ErrorNotice } from '../components/error-notice.js';
import { count } from '../format.js';

/** @param {{ queue: any, onDone: () => void }} props */
export function Redrive({ queue, onDone }) {
  const [asking, setAsking] = useState(false);
  const [moved, setMoved] = useState(/** @type {number | null} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const dlq = queue.config.deadLetterTopic;

  async function redrive() {
    setBusy(true);
    try {
      const answer = await postJson(`/api/v1/queues/${seg(queue.name)}/redrive`, {});
      setError(null);
      setMoved(answer.moved);
      setAsking(false);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="panel danger-zone" id="redrive">
    <h2>Dead letters</h2>
    ${dlq === null
      ? html`<p class="muted">This queue has no dead-letter topic: archived records stay in its topics' history only.</p>`
      : html`<p>Dead letters go to <span class="mono">${dlq}</span>. Re-driving appends them to their source topics again.</p>
        ${!asking && html`<button type="button" class="secondary" name="redrive" onClick=${() => { setAsking(true); setMoved(null); }}>Re-drive dead letters</button>`}
        ${asking && html`<div class="confirm">
          <span>Move every dead letter of <strong class="mono">${queue.name}</strong> back to its topic?</span>
          <button type="button" class="danger" name="confirm-redrive" disabled=${busy} onClick=${redrive}>Re-drive</button>
          <button type="button" class="secondary" onClick=${() => setAsking(false)}>Cancel</button>
        </div>`}`}
    <${ErrorNotice} error=${error} action="Re-driving dead letters" />
    ${moved !== null && html`<div class="notice ok" role="status" data-moved=${moved}>Moved ${count(moved)} dead letter(s) back.</div>`}
  </div>`;
}
