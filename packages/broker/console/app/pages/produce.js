// Produces one record by hand: to test a consumer, or to replay a fix. The partition is optional: left empty,
// the broker's partitioner picks it from the key, as a client's would.
import { html, useState } from '../html.js';
import { postJson, seg } from '../api.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { count } from '../format.js';
import { href } from '../router.js';

/** @param {{ query: URLSearchParams }} props */
export function ProducePage({ query }) {
  const { data: topicList, error: listError } = useResource('/api/v1/topics');
  const [topic, setTopic] = useState(query.get('topic') ?? '');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [partition, setPartition] = useState('');
  const [headers, setHeaders] = useState(/** @type {{ key: string, value: string }[]} */ ([]));
  const [sent, setSent] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);

  const setHeader = (/** @type {number} */ i, /** @type {'key'|'value'} */ field, /** @type {string} */ text) =>
    setHeaders(headers.map((h, j) => (j === i ? { ...h, [field]: text } : h)));

  async function produce(/** @type {Event} */ e) {
    e.preventDefault();
    /** @type {Record<string, unknown>} */
    const body = { value };
    if (key !== '') body.key = key;
    const rows = headers.filter((h) => h.key !== '');
    if (rows.length > 0) body.headers = rows;
    if (partition.trim() !== '') body.partition = Number(partition);
    setBusy(true);
    try {
      const at = await postJson(`/api/v1/topics/${seg(topic)}/messages`, body);
      setSent({ topic, ...at });
      setError(null);
    } catch (err) {
      setError(err);
      setSent(null);
    } finally {
      setBusy(false);
    }
  }

  const topics = (topicList?.topics ?? []).filter((/** @type {any} */ t) => !t.internal);
  return html`<section class="narrow-page">
    <h1>Produce a record</h1>
    <${ErrorNotice} error=${listError} action="Loading topics" />
    <form class="panel produce-form" onSubmit=${produce}>
      <label>Topic
        <input name="topic" list="topic-names" required value=${topic} onInput=${(/** @type {any} */ e) => setTopic(e.target.value)} />
        <datalist id="topic-names">${topics.map((/** @type {any} */ t) => html`<option key=${t.name} value=${t.name} />`)}</datalist>
      </label>
      <label>Partition
        <input name="partition" inputmode="numeric" pattern="[0-9]*" placeholder="chosen from the key" value=${partition} onInput=${(/** @type {any} */ e) => setPartition(e.target.value)} />
      </label>
      <label>Key
        <input name="key" placeholder="none" value=${key} onInput=${(/** @type {any} */ e) => setKey(e.target.value)} />
      </label>
      <label class="wide">Value
        <textarea name="value" rows="6" value=${value} onInput=${(/** @type {any} */ e) => setValue(e.target.value)}></textarea>
      </label>
      <fieldset class="wide headers">
        <legend>Headers</legend>
        ${headers.map((h, i) => html`<div class="header-row" key=${i}>
          <input aria-label=${`Header ${i + 1} name`} placeholder="name" value=${h.key} onInput=${(/** @type {any} */ e) => setHeader(i, 'key', e.target.value)} />
          <input aria-label=${`Header ${i + 1} value`} placeholder="value" value=${h.value} onInput=${(/** @type {any} */ e) => setHeader(i, 'value', e.target.value)} />
          <button type="button" class="secondary" aria-label=${`Remove header ${i + 1}`} onClick=${() => setHeaders(headers.filter((_, j) => j !== i))}>Remove</button>
        </div>`)}
        <button type="button" class="secondary" onClick=${() => setHeaders([...headers, { key: '', value: '' }])}>Add header</button>
      </fieldset>
      <div class="wide form-actions"><button type="submit" disabled=${busy || topic === ''}>${busy ? 'Producing…' : 'Produce'}</button></div>
    </form>
    <${ErrorNotice} error=${error} action="Producing" />
    ${sent && html`<div class="notice ok" role="status" data-produced=${`${sent.partition}:${sent.offset}`}>
      Produced to <span class="mono">${sent.topic}</span> partition <strong>${sent.partition}</strong> at offset <strong>${count(sent.offset)}</strong>.${' '}
      <a href=${`${href('topics', sent.topic)}?partition=${sent.partition}&offset=${sent.offset}`}>Show it</a>
    </div>`}
  </section>`;
}
