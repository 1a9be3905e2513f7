// One topic: its partitions, its settings (which are defaults, which were set), and its records, searched or
// tailed live.
import { html } from '../html.js';
import { seg } from '../api.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice } from '../components/error-notice.js';
import { MessageBrowser } from './message-browser.js';
import { LiveTail } from './live-tail.js';
import { bytes, count, duration } from '../format.js';
import { href } from '../router.js';

/** @param {unknown} v */
function settingText(v) {
  return v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A reading aid beside a raw setting: "7 d" for 604800000 in a …Ms setting, "134.2 MB" in a …Bytes one. @param {string} key @param {unknown} v */
function settingHint(key, v) {
  if (typeof v !== 'number') return null;
  if (v < 0) return 'no limit';
  if (key.endsWith('Ms')) return duration(v);
  if (key.endsWith('Bytes')) return bytes(v);
  return null;
}

/** @param {{ config: Record<string, unknown>, defaults: Record<string, unknown> }} props */
function ConfigTable({ config, defaults }) {
  const keys = [...new Set([...Object.keys(config ?? {}), ...Object.keys(defaults ?? {})])].sort();
  return html`<table class="config-table">
    <thead><tr><th>Setting</th><th>Value</th><th></th></tr></thead>
    <tbody>${keys.map((k) => {
      const isDefault = !(k in (config ?? {})) || settingText(config[k]) === settingText(defaults?.[k]);
      const value = k in (config ?? {}) ? config[k] : defaults[k];
      return html`<tr key=${k} class=${isDefault ? 'is-default' : 'is-set'}>
        <td class="mono">${k}</td><td><span class="mono">${settingText(value)}</span>${settingHint(k, value) && html` <span class="muted nowrap">(${settingHint(k, value)})</span>`}</td>
        <td>${isDefault ? html`<span class="tag">default</span>` : html`<span class="tag set">set</span>`}</td>
      </tr>`;
    })}</tbody>
  </table>`;
}

/** @param {{ name: string, query: URLSearchParams, readOnly: boolean }} props */
export function TopicDetailPage({ name, query, readOnly }) {
  const { data: t, error, reload } = useResource(`/api/v1/topics/${seg(name)}`);
  const partitions = t?.partitions ?? [];
  const records = partitions.reduce((a, p) => a + (p.logEndOffset - p.logStartOffset), 0);
  return html`<section>
    <div class="title-row">
      <h1><a href=${href('topics')} class="crumb">Topics</a> / <span class="mono">${name}</span></h1>
      <div class="actions">
        ${!readOnly && html`<a class="button secondary" href=${`${href('produce')}?topic=${seg(name)}`}>Produce</a>`}
        <button type="button" class="secondary" onClick=${reload}>Refresh</button>
      </div>
    </div>
    <${ErrorNotice} error=${error} action="Loading the topic" />
    ${t && html`<div class="two-col">
      <div class="panel">
        <h2>Partitions <span class="muted">${count(partitions.length)} · ${count(records)} records</span></h2>
        <div class="table-scroll"><table class="partition-table">
          <thead><tr><th class="num">Partition</th><th class="num">Start offset</th><th class="num">End offset</th><th class="num">Records</th><th class="num">Size</th><th class="num">Segments</th></tr></thead>
          <tbody>${partitions.map((p) => html`<tr key=${p.partition} data-partition=${p.partition}>
            <td class="num">${p.partition}</td><td class="num">${count(p.logStartOffset)}</td><td class="num">${count(p.logEndOffset)}</td>
            <td class="num">${count(p.logEndOffset - p.logStartOffset)}</td><td class="num">${bytes(p.sizeBytes)}</td><td class="num">${count(p.segments)}</td>
          </tr>`)}</tbody>
        </table></div>
      </div>
      <div class="panel">
        <h2>Settings</h2>
        <${ConfigTable} config=${t.config} defaults=${t.defaults} />
      </div>
    </div>
    <${MessageBrowser} topic=${name} partitions=${partitions.length} query=${query} />
    <${LiveTail} topic=${name} partitions=${partitions.length} />`}
  </section>`;
}
