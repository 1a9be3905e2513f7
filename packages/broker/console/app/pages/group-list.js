// Every consumer group: its state, how many members it has, and how far behind it is in total.
import { html } from '../html.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { count } from '../format.js';
import { href } from '../router.js';

export function GroupListPage() {
  const { data, error, reload } = useResource('/api/v1/groups');
  const groups = data?.groups ?? [];
  return html`<section>
    <div class="title-row"><h1>Consumer groups</h1><button type="button" class="secondary" onClick=${reload}>Refresh</button></div>
    <${ErrorNotice} error=${error} action="Loading groups" />
    ${data && (groups.length === 0
      ? html`<p class="muted">No consumer groups yet: a group appears when a consumer first joins it or commits.</p>`
      : html`<div class="panel table-scroll"><table class="group-table">
          <thead><tr><th>Group</th><th>State</th><th class="num">Members</th><th class="num">Lag</th></tr></thead>
          <tbody>${groups.map((g) => html`<tr key=${g.groupId} data-group=${g.groupId}>
            <td><a href=${href('groups', g.groupId)}>${g.groupId}</a></td>
            <td><span class=${`state state-${String(g.state).toLowerCase()}`}>${g.state}</span></td>
            <td class="num">${count(g.members)}</td>
            <td class="num" data-col="lag">${count(g.lagSum)}</td>
          </tr>`)}</tbody>
        </table></div>`)}
  </section>`;
}
