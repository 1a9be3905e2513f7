// A uPlot line chart over time, sized to its container and redrawn in place as samples arrive. Colours name the
// page's CSS custom properties, so the chart follows dark mode. The overview's rate charts and a group's lag
// chart are both this one component with different series.
import uPlot from '../../vendor/uplot.mjs';
import { html, useEffect, useRef } from '../html.js';

const MIN_WINDOW_S = 30;

/** @param {string} name */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * @typedef {{ label: string, stroke: string, fill?: string, dash?: number[] }} Line stroke and fill: CSS custom
 *   property names
 * @param {{ title: string, time: number[], lines: Line[], values: number[][], format: (n: number) => string,
 *   id?: string }} props values: one column per line, beside time (seconds since the epoch)
 */
export function LineChart({ title, time, lines, values, format, id }) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const plot = useRef(/** @type {uPlot | null} */ (null));

  useEffect(() => {
    const el = /** @type {HTMLDivElement} */ (box.current);
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid') }, ticks: { stroke: cssVar('--grid') } };
    const value = (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '–' : format(v));
    const opts = {
      width: el.clientWidth,
      height: 180,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      // at least half a minute wide, so that the first seconds after opening the page do not fill the chart
      scales: { x: { time: true, range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => /** @type {[number, number]} */ ([Math.min(min, max - MIN_WINDOW_S), max]) }, y: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => /** @type {[number, number]} */ ([0, Math.max(max * 1.1, 1)]) } },
      axes: [axis, { ...axis, size: 60, values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map(format) }],
      series: [
        {},
        ...lines.map((l) => ({ label: l.label, stroke: cssVar(l.stroke), width: 2, fill: l.fill ? cssVar(l.fill) : undefined, dash: l.dash, value })),
      ],
    };
    plot.current = new uPlot(opts, [time, ...values], el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([time, ...values]);
  }, [time, ...values]);

  return html`<figure class="chart" id=${id} data-points=${time.length}>
    <figcaption>${title}</figcaption>
    <div ref=${box} class="chart-box"></div>
  </figure>`;
}
