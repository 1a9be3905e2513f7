// Finds records in a topic: one partition or all, from the earliest, the newest, an offset or an instant, and
// optionally only those with a given key. The server bounds every search (records, bytes, time) and says why it
// stopped; this view passes that on (search-status.js).
import { html, useEffect, useState } from '../html.js';
import { getJson, seg } from '../api.js';
import { ErrorNotice } from '../components/error-notice.js';
import { RecordTable } from '../components/record-table.js';
import { parseInstant } from '../format.js';
import { searchStatus } from '../search-status.js';

/** @param {{ topic: string, partitions: number, query: URLSearchParams }} props */
export function MessageBrowser({ topic, partitions, query }) {
  const [form, setForm] = useState({
    partition: query.get('partition') ?? 'all',
    from: query.has('offset') ? 'offset' : 'latest',
    offset: query.get('offset') ?? '',
    timestamp: '',
    key: '',
    limit: '50',
  });
  const [result, setResult] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const set = (/** @type {string} */ field) => (/** @type {Event} */ e) => setForm({ ...form, [field]: /** @type {HTMLInputElement} */ (e.target).value });

  async function search() {
    const params = new URLSearchParams({ partition: form.partition, from: form.from, limit: form.limit });
    if (form.from === 'offset') params.set('offset', form.offset.trim());
    if (form.from === 'timestamp') {
      const ms = parseInstant(form.timestamp);
      if (ms === null) {
        setError({ code: 'BAD_TIMESTAMP', message: `"${form.timestamp}" is neither epoch milliseconds nor a date-time such as 2026-11-30 06:12:03.` });
        return;
      }
      params.set('timestamp', String(ms));
    }
    if (form.key !== '') params.set('key', form.key);
    setBusy(true);
    try {
      setResult(await getJson(`/api/v1/topics/${seg(topic)}/messages?${params}`));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    search();
  }, [topic]);

  const status = result && searchStatus(result);
  return html`<div class="panel" id="messages">
    <h2>Messages</h2>
    <form class="search-form" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); search(); }}>
      <label>Partition
        <select name="partition" value=${form.partition} onChange=${set('partition')}>
          <option value="all">all</option>
          ${Array.from({ length: partitions }, (_, p) => html`<option key=${p} value=${String(p)}>${p}</option>`)}
        </select>
      </label>
      <label>Start at
        <select name="from" value=${form.from} onChange=${set('from')}>
          <option value="latest">newest</option>
          <option value="earliest">earliest</option>
          <option value="offset">offset</option>
          <option value="timestamp">timestamp</option>
        </select>
      </label>
      ${form.from === 'offset' && html`<label>Offset
        <input name="offset" inputmode="numeric" required pattern="[0-9]+" value=${form.offset} onInput=${set('offset')} />
      </label>`}
      ${form.from === 'timestamp' && html`<label>Timestamp
        <input name="timestamp" required placeholder="2026-11-30 06:12:03 or epoch ms" value=${form.timestamp} onInput=${set('timestamp')} />
      </label>`}
      <label>Key equals
        <input name="key" placeholder="any key" value=${form.key} onInput=${set('key')} />
      </label>
      <label>Limit
        <select name="limit" value=${form.limit} onChange=${set('limit')}>
          ${['20', '50', '100', '500'].map((n) => html`<option key=${n} value=${n}>${n}</option>`)}
        </select>
      </label>
      <button type="submit" disabled=${busy}>${busy ? 'Searching…' : 'Search'}</button>
    </form>
    <${ErrorNotice} error=${error} action="The search" />
    ${result && html`<${RecordTable}
      messages=${result.messages}
      empty=${form.key ? `No record with key "${form.key}" in the range searched.` : 'No records in the range searched.'}
      toolbar=${html`<p class=${`search-status ${status.capped ? 'warn' : 'muted'}`} data-stopped=${result.stoppedBecause}>${status.text}</p>`}
    />`}
  </div>`;
}
