// Records as a table, shared by the message browser and the live tail: partition, offset, timestamp, key,
// value and headers, with one text / JSON / hex switch for the whole table.
import { html, useId, useState } from '../html.js';
import { formatPayload } from '../record-format.js';
import { count, instant } from '../format.js';

/**
 * @param {{ payload: import('../record-format.js').Payload, mode: import('../record-format.js').PayloadMode, isKey?: boolean }} props
 * isKey: keys are seldom JSON, so a key that is not is not worth a note
 */
function PayloadCell({ payload, mode, isKey }) {
  const { shown, as } = formatPayload(payload, mode);
  const note = as === 'hex' && mode !== 'hex' ? 'binary: shown as hex' : as === 'text' && mode === 'json' && !isKey ? 'not JSON' : null;
  return html`<div class=${`payload as-${as}`}>
    ${note && html`<span class="tag">${note}</span>`}
    <pre>${shown}</pre>
  </div>`;
}

/** A header value may come as a payload ({ text, base64 }) or as plain text. @param {any} value @param {string} mode */
function headerValue(value, mode) {
  if (typeof value === 'string' || value === null) return String(value);
  return formatPayload(value, mode === 'hex' ? 'hex' : 'text').shown;
}

/** @param {{ mode: string, onChange: (m: any) => void }} props */
export function PayloadModeSwitch({ mode, onChange }) {
  const group = useId(); // radios group by name page-wide: each table's switch needs its own
  return html`<div class="segmented" role="radiogroup" aria-label="Show payloads as">
    ${['text', 'json', 'hex'].map((m) => html`<label key=${m} class=${mode === m ? 'on' : ''}>
      <input type="radio" name=${group} value=${m} checked=${mode === m} onChange=${() => onChange(m)} />
      ${m === 'json' ? 'JSON' : m === 'hex' ? 'Hex' : 'Text'}
    </label>`)}
  </div>`;
}

/** @param {{ messages: any[], empty: string, toolbar?: any }} props */
export function RecordTable({ messages, empty, toolbar }) {
  const [mode, setMode] = useState(/** @type {import('../record-format.js').PayloadMode} */ ('text'));
  return html`<div class="records">
    <div class="toolbar">${toolbar}<${PayloadModeSwitch} mode=${mode} onChange=${setMode} /></div>
    ${messages.length === 0
      ? html`<p class="muted">${empty}</p>`
      : html`<div class="table-scroll"><table class="record-table">
          <thead><tr><th>Partition</th><th>Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
          <tbody>
            ${messages.map((m) => html`<tr key=${`${m.partition}:${m.offset}`} data-offset=${m.offset}>
              <td data-label="Partition" class="num">${m.partition}</td>
              <td data-label="Offset" class="num">${count(m.offset)}</td>
              <td data-label="Timestamp" class="nowrap" title=${`${m.timestamp} ms since the epoch`}>${instant(m.timestamp)}</td>
              <td data-label="Key" class="key"><${PayloadCell} payload=${m.key} mode=${mode} isKey /></td>
              <td data-label="Value" class="value"><${PayloadCell} payload=${m.value} mode=${mode} /></td>
              <td data-label="Headers">${(m.headers ?? []).map((h, i) => html`<div key=${i} class="header-pair">
                <span class="header-key">${h.key}</span>: ${headerValue(h.value, mode)}
              </div>`)}</td>
            </tr>`)}
          </tbody>
        </table></div>`}
  </div>`;
}
