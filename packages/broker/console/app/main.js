// The console's shell: the navigation and the page the hash names.
import { html, render } from './html.js';
import { useRoute, href } from './router.js';
import { useResource } from './use-resource.js';
import { OverviewPage } from './pages/overview.js';
import { TopicListPage } from './pages/topic-list.js';
import { TopicDetailPage } from './pages/topic-detail.js';
import { ProducePage } from './pages/produce.js';
import { GroupListPage } from './pages/group-list.js';
import { GroupDetailPage } from './pages/group-detail.js';
import { QueueListPage } from './pages/queue-list.js';
import { QueueDetailPage } from './pages/queue-detail.js';

/** @param {{ parts: string[], query: URLSearchParams, readOnly: boolean }} route */
function page({ parts, query, readOnly }) {
  const [section, id] = parts;
  switch (section ?? 'overview') {
    case 'overview': return html`<${OverviewPage} />`;
    case 'topics': return id === undefined ? html`<${TopicListPage} />` : html`<${TopicDetailPage} key=${id} name=${id} query=${query} readOnly=${readOnly} />`;
    case 'produce': return readOnly ? html`<p class="notice warn">This console is read-only: producing is turned off.</p>` : html`<${ProducePage} query=${query} />`;
    case 'groups': return id === undefined ? html`<${GroupListPage} />` : html`<${GroupDetailPage} key=${id} groupId=${id} readOnly=${readOnly} />`;
    case 'queues': return id === undefined ? html`<${QueueListPage} />` : html`<${QueueDetailPage} key=${id} name=${id} readOnly=${readOnly} />`;
    default: return html`<p class="notice error">No page at <span class="mono">${location.hash}</span>. <a href=${href('overview')}>Overview</a></p>`;
  }
}

function App() {
  const { parts, query } = useRoute();
  // read-only is a property of the server: fetched once, it decides which controls exist at all
  const { data: overview } = useResource('/api/v1/overview');
  const readOnly = Boolean(overview?.readOnly);
  const section = parts[0] ?? 'overview';
  const links = [['overview', 'Overview'], ['topics', 'Topics'], ...(readOnly ? [] : [['produce', 'Produce']]), ['groups', 'Consumer groups'], ['queues', 'Queues']];
  return html`<div class="layout">
    <header class="nav">
      <a class="brand" href=${href('overview')}>klog</a>
      <nav aria-label="Pages">
        ${links.map(([id, label]) => html`<a key=${id} href=${href(id)} aria-current=${section === id ? 'page' : undefined}>${label}</a>`)}
      </nav>
      ${overview && html`<span class="nav-meta muted">v${overview.version}${readOnly ? ' · read-only' : ''}</span>`}
    </header>
    <main>${page({ parts, query, readOnly })}</main>
  </div>`;
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.textContent = ''; // the "Loading…" placeholder: Preact renders beside existing children, not over them
render(html`<${App} />`, root);
