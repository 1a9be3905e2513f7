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
import { LoginPage } from './pages/login.js';
import { ErrorNotice } from './components/error-notice.js';
import { useSession } from './session.js';

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

/** @param {{ readOnly: boolean, user: string | null, logout: () => Promise<void> }} props */
function App({ readOnly, user, logout }) {
  const { parts, query } = useRoute();
  // the version only: a user who may not describe the cluster is refused the overview, and the nav does without it
  const { data: overview } = useResource('/api/v1/overview');
  const section = parts[0] ?? 'overview';
  const links = [['overview', 'Overview'], ['topics', 'Topics'], ...(readOnly ? [] : [['produce', 'Produce']]), ['groups', 'Consumer groups'], ['queues', 'Queues']];
  return html`<div class="layout">
    <header class="nav">
      <a class="brand" href=${href('overview')}>klog</a>
      <nav aria-label="Pages">
        ${links.map(([id, label]) => html`<a key=${id} href=${href(id)} aria-current=${section === id ? 'page' : undefined}>${label}</a>`)}
      </nav>
      <span class="nav-meta muted">${overview ? `v${overview.version}` : ''}${readOnly ? ' · read-only' : ''}</span>
      ${user !== null && html`<div class="nav-user"><span class="muted">${user}</span> <button class="secondary" type="button" onClick=${logout}>Log out</button></div>`}
    </header>
    <main>${page({ parts, query, readOnly })}</main>
  </div>`;
}

// Read-only and the need for a login are properties of the server: asked once, they decide what exists at all.
function Root() {
  const { session, error, retry, login, logout } = useSession();
  if (error) return html`<main><${ErrorNotice} error=${error} action="Asking the broker about the session" /><button type="button" onClick=${retry}>Retry</button></main>`;
  if (!session) return html`<p class="boot">Loading the klog console…</p>`;
  if (session.authenticationRequired && session.user === null) return html`<${LoginPage} login=${login} />`;
  return html`<${App} readOnly=${session.readOnly} user=${session.user} logout=${logout} />`;
}

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.textContent = ''; // the "Loading…" placeholder: Preact renders beside existing children, not over them
render(html`<${Root} />`, root);
