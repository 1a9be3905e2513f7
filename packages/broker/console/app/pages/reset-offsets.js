// Moves a group's committed offsets for one topic. Three steps, because a wrong reset replays or skips records
// for every consumer of the group: preview (the server's dry run: what each partition moves from and to), type
// the group id to confirm, apply. The server refuses (409 NON_EMPTY_GROUP) while members are live, since they
// would overwrite the new offsets with their next commit; that refusal is shown as the answer it is.
import { html, useState } from '../html.js';
import { postJson, seg } from '../api.js';
import { ErrorNotice } from '../components/error-notice.js';
import { count, parseInstant } from '../format.js';

/** @param {{ group: any, onDone: () => void }} props */
export function ResetOffsets({ group, onDone }) {
  const topics = [...new Set([
    ...group.offsets.map((/** @type {any} */ o) => o.topic),
    ...group.members.flatMap((/** @type {any} */ m) => m.assignments.map((/** @type {any} */ a) => a.topic)),
  ])].sort();
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [to, setTo] = useState('earliest');
  const [target, setTarget] = useState('');
  const [preview, setPreview] = useState(/** @type {any} */ (null));
  const [typed, setTyped] = useState('');
  const [applied, setApplied] = useState(/** @type {any} */ (null));
  const [error, setError] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);

  /** The `to` of the request, or an error to show when the typed target does not parse. */
  function destination() {
    if (to === 'earliest' || to === 'latest') return to;
    if (to === 'offset') return /^\d+$/.test(target.trim()) ? { offset: Number(target.trim()) } : null;
    const ms = parseInstant(target);
    return ms === null ? null : { timestamp: ms };
  }

  /** @param {boolean} dryRun */
  async function send(dryRun) {
    const dest = destination();
    if (dest === null) {
      setError({ code: 'BAD_TARGET', message: to === 'offset' ? 'The offset must be a whole number.' : 'The timestamp must be epoch milliseconds or a date-time.' });
      return;
    }
    setBusy(true);
    try {
      const answer = await postJson(`/api/v1/groups/${seg(group.groupId)}/reset-offsets`, { topic, to: dest, dryRun });
      setError(null);
      if (dryRun) {
        setPreview(answer);
        setApplied(null);
      } else {
        setApplied(answer);
        setPreview(null);
        setTyped('');
        onDone();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  /** Any change to the request makes the preview stale: it must be made again before applying. */
  const change = (/** @type {(v: string) => void} */ setter) => (/** @type {any} */ e) => {
    setter(e.target.value);
    setPreview(null);
    setTyped('');
  };

  const live = group.members.length > 0;
  return html`<div class="panel danger-zone" id="reset">
    <h2>Reset offsets</h2>
    ${live && html`<p class="notice warn">This group has ${count(group.members.length)} live member(s). The broker refuses to move
      its offsets until they have stopped, because they would commit over the new positions.</p>`}
    <form class="search-form" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); send(true); }}>
      <label>Topic
        <select name="reset-topic" value=${topic} onChange=${change(setTopic)}>
          ${topics.map((t) => html`<option key=${t} value=${t}>${t}</option>`)}
        </select>
      </label>
      <label>Move to
        <select name="reset-to" value=${to} onChange=${change(setTo)}>
          <option value="earliest">earliest</option>
          <option value="latest">latest (end)</option>
          <option value="timestamp">timestamp</option>
          <option value="offset">offset</option>
        </select>
      </label>
      ${(to === 'offset' || to === 'timestamp') && html`<label>${to === 'offset' ? 'Offset' : 'Timestamp'}
        <input name="reset-target" required value=${target} onInput=${change(setTarget)}
          placeholder=${to === 'offset' ? '0' : '2026-11-30 06:12:03 or epoch ms'} />
      </label>`}
      <button type="submit" class="secondary" disabled=${busy || topic === ''}>Preview</button>
    </form>
    <${ErrorNotice} error=${error} action="Resetting offsets"
      title=${error?.code === 'NON_EMPTY_GROUP' ? 'Refused: the group has live members. Stop its consumers, then reset.' : undefined} />
    ${preview && html`<div class="preview">
      <h3>Dry run: nothing has changed yet</h3>
      <table class="reset-table">
        <thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">From</th><th class="num">To</th><th class="num">Change</th></tr></thead>
        <tbody>${preview.offsets.map((/** @type {any} */ o) => html`<tr key=${`${o.topic}:${o.partition}`}>
          <td class="mono">${o.topic}</td><td class="num">${o.partition}</td>
          <td class="num">${o.from === null || o.from < 0 ? 'none' : count(o.from)}</td><td class="num">${count(o.to)}</td>
          <td class="num">${o.from === null || o.from < 0 ? '' : `${o.to - o.from > 0 ? '+' : ''}${count(o.to - o.from)}`}</td>
        </tr>`)}</tbody>
      </table>
      <form class="confirm" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); send(false); }}>
        <label><span>Type the group id <strong class="mono">${group.groupId}</strong> to apply the reset</span>
          <input name="confirm-group" autocomplete="off" value=${typed} onInput=${(/** @type {any} */ e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" class="danger" disabled=${busy || typed !== group.groupId}>Apply reset</button>
      </form>
    </div>`}
    ${applied && html`<div class="notice ok" role="status">Offsets moved for ${count(applied.offsets.length)} partition(s) of <span class="mono">${topic}</span>.</div>`}
  </div>`;
}
