// Every topic with its size in partitions, records and bytes, and how long it keeps them.
import { html } from '../html.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { bytes, count, retention } from '../format.js';
import { href } from '../router.js';

export function TopicListPage() {
  const { data, error, reload } = useResource('/api/v1/topics');
  // the broker's own topics (committed offsets) after the operator's
  const topics = [...(data?.topics ?? [])].sort((a, b) => Number(a.internal) - Number(b.internal));
  return html`<section>
    <div class="title-row"><h1>Topics</h1><button type="button" class="secondary" onClick=${reload}>Refresh</button></div>
    <${ErrorNotice} error=${error} action="Loading topics" />
    ${data && (topics.length === 0
      ? html`<p class="muted">No topics yet. Producing to a topic creates it, when the broker auto-creates topics.</p>`
      : html`<div class="panel table-scroll"><table class="topic-table">
          <thead><tr><th>Name</th><th class="num">Partitions</th><th class="num">Records</th><th class="num">Size</th><th class="num">Retention</th></tr></thead>
          <tbody>${topics.map((t) => html`<tr key=${t.name} data-topic=${t.name}>
            <td><a href=${href('topics', t.name)}>${t.name}</a>${t.internal && html` <span class="tag">internal</span>`}</td>
            <td class="num">${count(t.partitions)}</td>
            <td class="num" data-col="records">${count(t.records)}</td>
            <td class="num">${bytes(t.sizeBytes)}</td>
            <td class="num">${retention(t.retentionMs)}</td>
          </tr>`)}</tbody>
        </table></div>`)}
  </section>`;
}
