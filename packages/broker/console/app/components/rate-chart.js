// A uPlot line chart of two rates over time (produced and consumed), sized to its container and redrawn in place
// as samples arrive. Colours come from the page's CSS custom properties, so the chart follows dark mode.
import uPlot from '../../vendor/uplot.mjs';
import { html, useEffect, useRef } from '../html.js';

const MIN_WINDOW_S = 30;

/** @param {string} name */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * @param {{ title: string, unit: string, time: number[], produced: number[], consumed: number[],
 *   format: (n: number) => string }} props
 */
export function RateChart({ title, unit, time, produced, consumed, format }) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const plot = useRef(/** @type {uPlot | null} */ (null));

  useEffect(() => {
    const el = /** @type {HTMLDivElement} */ (box.current);
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid') }, ticks: { stroke: cssVar('--grid') } };
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
        { label: `produced ${unit}`, stroke: cssVar('--produce'), width: 2, fill: cssVar('--produce-fill'), value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '–' : format(v)) },
        // dashed: when consumers keep up, the two lines coincide and the produced one must still show through
        { label: `consumed ${unit}`, stroke: cssVar('--consume'), width: 2, dash: [6, 4], value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? '–' : format(v)) },
      ],
    };
    plot.current = new uPlot(opts, [time, produced, consumed], el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([time, produced, consumed]);
  }, [time, produced, consumed]);

  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div ref=${box} class="chart-box"></div>
  </figure>`;
}
