// One queue: its counts per partition, its members, its settings, and the re-drive of its dead letters.
import { html } from '../html.js';
import { seg } from '../api.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { Redrive } from './redrive.js';
import { count, duration } from '../format.js';
import { href } from '../router.js';

/** @param {{ name: string, readOnly: boolean }} props */
export function QueueDetailPage({ name, readOnly }) {
  const { data: q, error, reload } = useResource(`/api/v1/queues/${seg(name)}`);
  const partitions = q?.partitions ?? [];
  const sum = (/** @type {string} */ k) => partitions.reduce((/** @type {number} */ a, /** @type {any} */ p) => a + p[k], 0);
  return html`<section>
    <div class="title-row">
      <h1><a href=${href('queues')} class="crumb">Queues</a> / <span class="mono">${name}</span></h1>
      <button type="button" class="secondary" onClick=${reload}>Refresh</button>
    </div>
    <${ErrorNotice} error=${error} action="Loading the queue" />
    ${q && html`<div class="stats">
      <div class="stat"><div class="stat-label">Ready</div><div class="stat-value" data-stat="ready">${count(sum('ready'))}</div></div>
      <div class="stat"><div class="stat-label">In flight</div><div class="stat-value" data-stat="in-flight">${count(sum('inFlight'))}</div></div>
      <div class="stat"><div class="stat-label">Delayed</div><div class="stat-value" data-stat="delayed">${count(sum('delayed'))}</div></div>
      <div class="stat"><div class="stat-label">Dead</div><div class="stat-value" data-stat="dead">${count(sum('archived'))}</div>
        <div class="stat-sub">archived since creation (a re-drive keeps it)</div></div>
      <div class="stat"><div class="stat-label">Members</div><div class="stat-value" data-stat="members">${count(q.members.length)}</div></div>
    </div>
    <div class="panel">
      <h2>Partitions</h2>
      <div class="table-scroll"><table class="queue-partition-table">
        <thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Ready</th><th class="num">Delayed</th>
          <th class="num">In flight</th><th class="num">Dead</th><th class="num">Oldest ready</th></tr></thead>
        <tbody>${partitions.map((/** @type {any} */ p) => html`<tr key=${`${p.topic}:${p.partition}`} data-partition=${`${p.topic}:${p.partition}`}>
          <td><a class="mono" href=${href('topics', p.topic)}>${p.topic}</a></td><td class="num">${p.partition}</td>
          <td class="num" data-col="ready">${count(p.ready)}</td><td class="num" data-col="delayed">${count(p.delayed)}</td>
          <td class="num" data-col="in-flight">${count(p.inFlight)}</td><td class="num" data-col="dead">${count(p.archived)}</td>
          <td class="num">${p.ready > 0 ? duration(p.oldestReadyAgeMs) : '–'}</td>
        </tr>`)}</tbody>
      </table></div>
    </div>
    <div class="panel">
      <h2>Members</h2>
      ${q.members.length === 0
        ? html`<p class="muted">Nobody works on this queue now.</p>`
        : html`<div class="table-scroll"><table class="member-table">
            <thead><tr><th>Member</th><th>Host</th><th class="num">Idle</th></tr></thead>
            <tbody>${q.members.map((/** @type {any} */ m) => html`<tr key=${m.memberId} data-member=${m.memberId}>
              <td class="mono">${m.memberId}</td><td class="mono">${m.clientHost}</td><td class="num">${duration(m.idleMs)}</td>
            </tr>`)}</tbody>
          </table></div>`}
    </div>
    <div class="panel">
      <h2>Settings</h2>
      <table class="settings-table"><tbody>
        <tr><td>Topics</td><td class="mono">${q.config.topics.join(', ')}${q.config.priority ? ' (in priority order)' : ''}</td></tr>
        <tr><td>Lock</td><td>${duration(q.config.lockMs)}</td></tr>
        <tr><td>Deliveries at most</td><td>${count(q.config.maxDeliveries)}</td></tr>
        <tr><td>Dead-letter topic</td><td class="mono">${q.config.deadLetterTopic ?? 'none'}</td></tr>
      </tbody></table>
    </div>
    ${!readOnly && html`<${Redrive} queue=${q} onDone=${reload} />`}`}
  </section>`;
}
