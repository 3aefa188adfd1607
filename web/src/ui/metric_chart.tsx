// A time-series line chart (uPlot, canvas): one x axis of timestamps, one line per series. The
// plotted data is also on the element (data-series, JSON) for the browser tests to read.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  color: string;
  points: Array<[number, number]>; // [seconds since the epoch, value]
}

/** The lines' points on one shared, sorted x axis (a line without a point there is null). */
function aligned(lines: ChartLine[]): uPlot.AlignedData {
  const xs = [...new Set(lines.flatMap((l) => l.points.map(([t]) => t)))].sort((a, b) => a - b);
  const ys = lines.map((l) => {
    const at = new Map(l.points);
    return xs.map((t) => at.get(t) ?? null);
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

/** range: the x axis' [start, end] in seconds since the epoch (the period asked for). */
export function MetricChart(props: { title: string; unit: string; lines: ChartLine[]; testid: string; range: [number, number] }) {
  const box = useRef<HTMLDivElement>(null);
  const rangeRef = useRef<[number, number]>(props.range);
  rangeRef.current = props.range;
  const plot = useRef<uPlot | null>(null);
  const data = aligned(props.lines);
  const shape = props.lines.map((l) => l.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth || 420),
      height: 160,
      series: [{}, ...props.lines.map((l) => ({ label: l.label, stroke: l.color, width: 1.5, spanGaps: false }))],
      scales: { x: { time: true, range: () => rangeRef.current }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: props.unit, size: 56 }],
      legend: { live: false },
    };
    plot.current = new uPlot(opts, data, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its lines change; new data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, props.unit]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const series = Object.fromEntries(props.lines.map((l) => [l.label, l.points]));
  return (
    <figure class="metric-chart" data-testid={props.testid} data-series={JSON.stringify(series)}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
      {props.lines.every((l) => l.points.length === 0) ? <p class="muted small-text">No data in this period.</p> : null}
    </figure>
  );
}
