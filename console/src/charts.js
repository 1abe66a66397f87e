// ECharts, tree-shaken to the four chart types and the components the console draws, rendered
// on canvas. Bundled at build time: no CDN, no web fonts.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, FunnelChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, AriaComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import htm from 'htm';

echarts.use([BarChart, LineChart, FunnelChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);
const html = htm.bind(h);

/**
 * A chart. `figures` is what the chart shows, as the API answered it; it is also written to the
 * element (data-figures) so tests compare the drawn figures with the API's answer.
 */
export function Chart({ option, figures, label, height = 280, id }) {
  const el = useRef(null);
  useEffect(() => {
    const chart = echarts.init(el.current, null, { renderer: 'canvas' });
    const drawn = () => {
      // Time to first chart (ms since navigation start), read by the browser benchmark.
      if (window.__siyuFirstChartDrawn === undefined) window.__siyuFirstChartDrawn = performance.now();
      el.current && el.current.setAttribute('data-drawn', 'true');
    };
    chart.on('finished', drawn); // before setOption: without animation it can finish at once
    chart.setOption({ aria: { enabled: true }, animation: false, ...option });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => { window.removeEventListener('resize', resize); chart.dispose(); };
  }, [JSON.stringify(option)]);
  return html`<div class="chart" id=${id} ref=${el} role="img" aria-label=${label}
    data-figures=${JSON.stringify(figures ?? null)} style=${`height:${height}px`}></div>`;
}
