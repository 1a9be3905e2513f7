// Follows a topic as records arrive, over SSE /api/v1/topics/:name/tail, newest on top. The stream is opened
// only while the toggle is on and closed when the page goes away, because each one holds an HTTP connection
// (six per host in a browser) and costs the broker a reader.
import { html, useEffect, useState } from '../html.js';
import { seg } from '../api.js';
import { RecordTable } from '../components/record-table.js';
import { count } from '../format.js';

/** Enough to read what is happening; older rows drop off the bottom. */
const KEEP = 200;

/** @param {{ topic: string, partitions: number }} props */
export function LiveTail({ topic, partitions }) {
  const [on, setOn] = useState(false);
  const [partition, setPartition] = useState('all');
  const [records, setRecords] = useState(/** @type {any[]} */ ([]));
  const [dropped, setDropped] = useState(0);
  const [state, setState] = useState('off');

  useEffect(() => {
    if (!on) {
      setState('off');
      return;
    }
    const query = partition === 'all' ? '' : `?partition=${partition}`;
    const source = new EventSource(`/api/v1/topics/${seg(topic)}/tail${query}`);
    setState('connecting');
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('record', (e) => {
      const record = JSON.parse(/** @type {MessageEvent} */ (e).data);
      setRecords((rs) => [record, ...rs].slice(0, KEEP));
    });
    // the server samples when we cannot keep up, and says how many it skipped: shown, never hidden
    source.addEventListener('dropped', (e) => setDropped((d) => d + JSON.parse(/** @type {MessageEvent} */ (e).data).count));
    source.addEventListener('error', () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
    return () => source.close();
  }, [on, partition, topic]);

  return html`<div class="panel" id="tail">
    <div class="title-row">
      <h2>Live tail <span class=${`live-dot ${state === 'live' ? 'on' : ''}`}></span> <span class="muted" data-tail-state=${state}>${state}</span></h2>
      <div class="actions">
        <label class="inline">Partition
          <select value=${partition} onChange=${(/** @type {Event} */ e) => setPartition(/** @type {HTMLSelectElement} */ (e.target).value)}>
            <option value="all">all</option>
            ${Array.from({ length: partitions }, (_, p) => html`<option key=${p} value=${String(p)}>${p}</option>`)}
          </select>
        </label>
        <label class="switch"><input type="checkbox" role="switch" checked=${on} onChange=${() => setOn(!on)} /> Follow new records</label>
        <button type="button" class="secondary" onClick=${() => { setRecords([]); setDropped(0); }}>Clear</button>
      </div>
    </div>
    ${state === 'closed' && html`<div class="notice error" role="alert">The broker closed the tail stream (the topic is gone, or too many
      streams are open). Turn "Follow new records" off and on to try again.</div>`}
    ${dropped > 0 && html`<div class="notice warn">${count(dropped)} records were skipped because they arrived faster than the tail could send them.</div>`}
    <${RecordTable} messages=${records} empty=${on ? 'Waiting for new records…' : 'Turn on "Follow new records" to see records as they are produced.'} />
  </div>`;
}
