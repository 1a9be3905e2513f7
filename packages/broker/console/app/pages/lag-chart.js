// A group's total lag over the minutes this tab has watched it, from the shared event stream (no polling), with
// the latest figure beside it: whether a group is catching up or falling behind is in the slope, not the number.
import { html } from '../html.js';
import { useGroupLag } from '../use-stats.js';
import { LineChart } from '../components/line-chart.js';
import { count } from '../format.js';

const LAG_LINE = [{ label: 'lag (records)', stroke: '--consume' }];

/** @param {{ groupId: string }} props */
export function LagChart({ groupId }) {
  const { connected, time, lag } = useGroupLag(groupId);
  const latest = lag.length > 0 ? lag[lag.length - 1] : null;
  return html`<div class="panel">
    <h2>Lag over time <span class=${`live-dot ${connected ? 'on' : ''}`} title=${connected ? 'live' : 'waiting for the stream'}></span>
      <span class="muted" data-stat="live-lag" data-lag=${latest ?? undefined}>${latest === null ? 'waiting for the first sample…' : `${count(latest)} now`}</span></h2>
    <${LineChart} id="lag-chart" title="Records behind, summed over the group's partitions" time=${time} lines=${LAG_LINE} values=${[lag]} format=${count} />
  </div>`;
}
