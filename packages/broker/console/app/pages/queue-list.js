// Every queue: its topics, members, and what waits in it (ready, in flight, dead) with the age of the oldest
// ready record, the figure that says a queue is falling behind before its count does.
import { html } from '../html.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { count, duration } from '../format.js';
import { href } from '../router.js';

export function QueueListPage() {
  const { data, error, reload } = useResource('/api/v1/queues');
  const queues = data?.queues ?? [];
  return html`<section>
    <div class="title-row"><h1>Queues</h1><button type="button" class="secondary" onClick=${reload}>Refresh</button></div>
    <${ErrorNotice} error=${error} action="Loading queues" />
    ${data && (queues.length === 0
      ? html`<p class="muted">No queues yet: a queue appears when a client first opens it (client.queue(), or klog queue create).</p>`
      : html`<div class="panel table-scroll"><table class="queue-table">
          <thead><tr><th>Queue</th><th>Topics</th><th class="num">Members</th><th class="num">Ready</th><th class="num">Delayed</th>
            <th class="num">In flight</th><th class="num">Dead</th><th class="num">Oldest ready</th></tr></thead>
          <tbody>${queues.map((/** @type {any} */ q) => html`<tr key=${q.name} data-queue=${q.name}>
            <td><a href=${href('queues', q.name)}>${q.name}</a></td>
            <td class="mono">${q.topics.join(', ')}</td>
            <td class="num">${count(q.members)}</td>
            <td class="num" data-col="ready">${count(q.ready)}</td>
            <td class="num" data-col="delayed">${count(q.delayed)}</td>
            <td class="num" data-col="in-flight">${count(q.inFlight)}</td>
            <td class="num" data-col="dead">${count(q.dead)}</td>
            <td class="num" data-col="oldest">${q.ready > 0 ? duration(q.oldestReadyAgeMs) : '–'}</td>
          </tr>`)}</tbody>
        </table></div>`)}
  </section>`;
}
