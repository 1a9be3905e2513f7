// One consumer group: who its members are and what they own, where it stands in each partition, and the form to
// move it.
import { html } from '../html.js';
import { seg } from '../api.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { ResetOffsets } from './reset-offsets.js';
import { LagChart } from './lag-chart.js';
import { count } from '../format.js';
import { href } from '../router.js';

/** @param {{ lag: number, max: number }} props */
function LagBar({ lag, max }) {
  return html`<div class="lag-bar" aria-hidden="true"><span style=${{ width: `${max > 0 ? (100 * lag) / max : 0}%` }}></span></div>`;
}

/** @param {{ groupId: string, readOnly: boolean }} props */
export function GroupDetailPage({ groupId, readOnly }) {
  const { data: g, error, reload } = useResource(`/api/v1/groups/${seg(groupId)}`);
  const offsets = g?.offsets ?? [];
  const maxLag = Math.max(0, ...offsets.map((/** @type {any} */ o) => o.lag ?? 0));
  const totalLag = offsets.reduce((/** @type {number} */ a, /** @type {any} */ o) => a + (o.lag ?? 0), 0);
  return html`<section>
    <div class="title-row">
      <h1><a href=${href('groups')} class="crumb">Consumer groups</a> / <span class="mono">${groupId}</span></h1>
      <button type="button" class="secondary" onClick=${reload}>Refresh</button>
    </div>
    <${ErrorNotice} error=${error} action="Loading the group" />
    ${g && html`<div class="stats">
      <div class="stat"><div class="stat-label">State</div><div class="stat-value"><span class=${`state state-${String(g.state).toLowerCase()}`}>${g.state}</span></div></div>
      <div class="stat"><div class="stat-label">Members</div><div class="stat-value" data-stat="members">${count(g.members.length)}</div>
        ${g.members.length === 0 && html`<div class="stat-sub">nobody reads for this group now</div>`}</div>
      <div class="stat"><div class="stat-label">Total lag</div><div class="stat-value" data-stat="lag">${count(totalLag)}</div></div>
      <div class="stat"><div class="stat-label">Protocol</div><div class="stat-value">${g.protocolType || '–'}</div></div>
    </div>
    <${LagChart} groupId=${groupId} />
    ${g.members.length > 0 && html`<div class="panel">
      <h2>Members</h2>
      <div class="table-scroll"><table class="member-table">
        <thead><tr><th>Member</th><th>Client</th><th>Host</th><th>Partitions</th></tr></thead>
        <tbody>${g.members.map((/** @type {any} */ m) => html`<tr key=${m.memberId}>
          <td class="mono">${m.memberId}</td><td>${m.clientId}</td><td class="mono">${m.host}</td>
          <td>${m.assignments.map((/** @type {any} */ a) => html`<div key=${a.topic}><span class="mono">${a.topic}</span>: ${a.partitions.join(', ')}</div>`)}</td>
        </tr>`)}</tbody>
      </table></div>
    </div>`}
    <div class="panel">
      <h2>Offsets</h2>
      ${offsets.length === 0
        ? html`<p class="muted">This group has committed no offsets.</p>`
        : html`<div class="table-scroll"><table class="offset-table">
            <thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">End</th><th class="num">Lag</th><th class="lag-col"></th></tr></thead>
            <tbody>${offsets.map((/** @type {any} */ o) => html`<tr key=${`${o.topic}:${o.partition}`} data-partition=${`${o.topic}:${o.partition}`}>
              <td><a class="mono" href=${href('topics', o.topic)}>${o.topic}</a></td><td class="num">${o.partition}</td>
              <td class="num">${o.committed === null || o.committed < 0 ? 'none' : count(o.committed)}</td>
              <td class="num">${count(o.logEndOffset)}</td><td class="num" data-col="lag">${count(o.lag)}</td>
              <td class="lag-col"><${LagBar} lag=${o.lag ?? 0} max=${maxLag} /></td>
            </tr>`)}</tbody>
          </table></div>`}
    </div>
    ${!readOnly && html`<${ResetOffsets} group=${g} onDone=${reload} />`}`}
  </section>`;
}
