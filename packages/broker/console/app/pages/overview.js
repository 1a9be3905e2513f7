// The broker at a glance: what runs where, how full the disk is, and what flows through it right now.
import { html } from '../html.js';
import { useResource } from '../use-resource.js';
import { useStats } from '../use-stats.js';
import { ErrorNotice } from '../components/error-notice.js';
import { LineChart } from '../components/line-chart.js';
import { bytes, count, duration, instant } from '../format.js';
import { href } from '../router.js';

/** @param {{ host: string, port: number } | null | undefined} l */
function address(l) {
  return l ? `${l.host}:${l.port}` : 'off';
}

/** Connections come either as one number or per listener ({ native, kafka }). @param {any} c */
function connectionTotal(c) {
  if (typeof c === 'number') return c;
  return c ? Object.values(c).reduce((a, b) => a + Number(b), 0) : null;
}

/** @param {number} n */
const perSecond = (n) => (n >= 100 ? count(Math.round(n)) : n.toFixed(n >= 10 ? 0 : 1));
/** @param {number} n */
const mbPerSecond = (n) => (n >= 10 ? n.toFixed(0) : n.toFixed(2));

/** @param {{ label: string, value: any, sub?: any, id?: string }} props */
function Stat({ label, value, sub, id }) {
  return html`<div class="stat" data-stat=${id}>
    <div class="stat-label">${label}</div>
    <div class="stat-value">${value}</div>
    ${sub && html`<div class="stat-sub">${sub}</div>`}
  </div>`;
}

/** Produced and consumed: dashed consumed, since when consumers keep up the two lines coincide and the produced one must still show through. @param {string} unit */
function rateLines(unit) {
  return [
    { label: `produced ${unit}`, stroke: '--produce', fill: '--produce-fill' },
    { label: `consumed ${unit}`, stroke: '--consume', dash: [6, 4] },
  ];
}

export function OverviewPage() {
  const { data: o, error } = useResource('/api/v1/overview', 5_000);
  const stats = useStats();
  const last = stats.columns.time.length - 1;
  const latestRate = (/** @type {number[]} */ col) => (last >= 0 ? col[last] : 0);
  const c = stats.columns;
  // the stream's figure is live; the overview's is as of page load and stands in until the first sample
  const live = stats.latest?.connections;
  const perListener = live && typeof live === 'object' ? live : (o?.connections ?? {});
  const used = o ? o.disk.totalBytes - o.disk.freeBytes : 0;

  return html`<section>
    <h1>Overview</h1>
    <${ErrorNotice} error=${error} action="Loading the overview" />
    ${o && html`<div class="stats">
      <${Stat} id="version" label="Version" value=${o.version} sub=${o.readOnly ? 'read-only console' : null} />
      <${Stat} id="uptime" label="Uptime" value=${duration(o.uptimeMs)} sub=${`since ${instant(o.startedAt)}`} />
      <${Stat} id="topics" label="Topics" value=${html`<a href=${href('topics')}>${count(o.topics)}</a>`} />
      <${Stat} id="groups" label="Consumer groups" value=${html`<a href=${href('groups')}>${count(o.groups)}</a>`} />
      <${Stat} id="connections" label="Connections" value=${count(connectionTotal(stats.latest?.connections) ?? connectionTotal(o.connections))}
        sub=${`native ${count(perListener.native)} · kafka ${count(perListener.kafka)}`} />
      <${Stat} id="disk" label="Disk free" value=${bytes(o.disk.freeBytes)}
        sub=${html`of ${bytes(o.disk.totalBytes)}<div class="meter" title=${`${bytes(used)} used`}><span style=${{ width: `${o.disk.totalBytes ? (100 * used) / o.disk.totalBytes : 0}%` }}></span></div>`} />
    </div>`}
    <div class="panel">
      <h2>Traffic <span class=${`live-dot ${stats.connected ? 'on' : ''}`} title=${stats.connected ? 'live' : 'waiting for the stream'}></span>
        ${!stats.connected && html`<span class="muted">waiting for the broker's event stream…</span>`}</h2>
      <div class="stats rates">
        <${Stat} id="produce-rate" label="Produced" value=${`${perSecond(latestRate(c.producedRecords))} rec/s`} sub=${`${mbPerSecond(latestRate(c.producedMB))} MB/s`} />
        <${Stat} id="consume-rate" label="Consumed" value=${`${perSecond(latestRate(c.fetchedRecords))} rec/s`} sub=${`${mbPerSecond(latestRate(c.fetchedMB))} MB/s`} />
      </div>
      <div class="charts">
        <${LineChart} title="Records per second" time=${c.time} lines=${rateLines('rec/s')} values=${[c.producedRecords, c.fetchedRecords]} format=${perSecond} />
        <${LineChart} title="Megabytes per second" time=${c.time} lines=${rateLines('MB/s')} values=${[c.producedMB, c.fetchedMB]} format=${mbPerSecond} />
      </div>
    </div>
    ${o && html`<div class="panel">
      <h2>Broker</h2>
      <dl class="facts">
        <dt>Data directory</dt><dd class="mono">${o.dataDir}</dd>
        <dt>Native listener</dt><dd class="mono">${address(o.listeners.native)}</dd>
        <dt>Kafka listener</dt><dd class="mono">${address(o.listeners.kafka)}</dd>
        <dt>HTTP (this console)</dt><dd class="mono">${address(o.listeners.http)}</dd>
      </dl>
    </div>`}
  </section>`;
}
