// The Monitoring views: a stage's API Gateway metrics and a function's Lambda metrics over the
// last hours, read with CloudWatch's GetMetricData and drawn with uPlot; refreshed every 30 s.
import { useEffect, useState } from 'preact/hooks';
import { getMetricData, type MetricQuery, type MetricSeries } from '../../api/cloudwatch';
import { MetricChart, type ChartLine } from '../../ui/metric_chart';
import { ErrorBox } from '../../ui/widgets';

interface ChartSpec {
  title: string;
  unit: string;
  testid: string;
  lines: Array<{ label: string; color: string; query: Omit<MetricQuery, 'id'> } | { label: string; color: string; ratio: [number, number] }>;
}

const HOURS = [1, 3, 12, 24];
const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed'];

function MetricsView(props: { charts: ChartSpec[]; testid: string }) {
  const [hours, setHours] = useState(3);
  const [series, setSeries] = useState<Record<string, MetricSeries>>({});
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const [range, setRange] = useState<[number, number]>([0, 1]);
  const queries: MetricQuery[] = [];
  props.charts.forEach((c, ci) =>
    c.lines.forEach((l, li) => {
      if ('query' in l) queries.push({ id: `q${ci}_${li}`, ...l.query });
    }),
  );
  const key = JSON.stringify(queries);

  useEffect(() => {
    let stopped = false;
    const end = new Date(Date.now() + 60_000);
    const start = new Date(end.getTime() - hours * 3600_000);
    setRange([start.getTime() / 1000, end.getTime() / 1000]);
    getMetricData(queries, start, end)
      .then((s) => {
        if (!stopped) {
          setSeries(s);
          setError(null);
        }
      })
      .catch((e: Error) => !stopped && setError(e));
    const timer = window.setTimeout(() => setTick((t) => t + 1), 30_000);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, hours, tick]);

  const points = (id: string): Array<[number, number]> => {
    const s = series[id];
    return s ? s.timestamps.map((t, i) => [t, s.values[i] ?? 0]) : [];
  };
  return (
    <div class="metrics-view" data-testid={props.testid}>
      <div class="form-row">
        <label class="small-text">
          Period{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))} data-testid="metrics-hours">
            {HOURS.map((h) => (
              <option key={h} value={h}>
                last {h} h
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="small" onClick={() => setTick((t) => t + 1)} data-testid="metrics-refresh">
          Refresh
        </button>
      </div>
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      <div class="metric-grid">
        {props.charts.map((c, ci) => {
          const lines: ChartLine[] = c.lines.map((l) => {
            if ('query' in l) return { label: l.label, color: l.color, points: points(`q${ci}_${c.lines.indexOf(l)}`) };
            // A ratio of two of this chart's lines, in percent (the cache hit ratio).
            const [num, den] = l.ratio.map((i) => new Map(points(`q${ci}_${i}`)));
            const ratio: Array<[number, number]> = [...(num?.keys() ?? [])].map((t) => {
              const n = num?.get(t) ?? 0;
              const d = (den?.get(t) ?? 0) + n;
              return [t, d > 0 ? (100 * n) / d : 0];
            });
            return { label: l.label, color: l.color, points: ratio };
          });
          return <MetricChart key={c.testid} title={c.title} unit={c.unit} lines={lines} testid={c.testid} range={range} />;
        })}
      </div>
    </div>
  );
}

export function StageMetrics(props: { apiName: string; stage: string }) {
  const dims = { ApiName: props.apiName, Stage: props.stage };
  const gw = (metric: string, stat: string) => ({ namespace: 'AWS/ApiGateway', metric, dimensions: dims, stat });
  const charts: ChartSpec[] = [
    { title: 'Requests', unit: 'count', testid: 'chart-requests', lines: [{ label: 'Count', color: COLORS[0]!, query: gw('Count', 'Sum') }] },
    {
      title: '4xx and 5xx errors',
      unit: 'count',
      testid: 'chart-errors',
      lines: [
        { label: '4XXError', color: COLORS[2]!, query: gw('4XXError', 'Sum') },
        { label: '5XXError', color: COLORS[1]!, query: gw('5XXError', 'Sum') },
      ],
    },
    {
      title: 'Latency',
      unit: 'ms',
      testid: 'chart-latency',
      lines: [
        { label: 'p50', color: COLORS[0]!, query: gw('Latency', 'p50') },
        { label: 'p90', color: COLORS[2]!, query: gw('Latency', 'p90') },
        { label: 'p99', color: COLORS[1]!, query: gw('Latency', 'p99') },
        { label: 'IntegrationLatency', color: COLORS[3]!, query: gw('IntegrationLatency', 'Average') },
      ],
    },
    {
      title: 'Cache hit ratio',
      unit: '%',
      testid: 'chart-cache',
      lines: [
        { label: 'hits', color: COLORS[3]!, query: gw('CacheHitCount', 'Sum') },
        { label: 'misses', color: COLORS[1]!, query: gw('CacheMissCount', 'Sum') },
        { label: 'hit ratio', color: COLORS[4]!, ratio: [0, 1] },
      ],
    },
  ];
  return <MetricsView charts={charts} testid="stage-metrics" />;
}

export function FunctionMetrics(props: { name: string }) {
  const dims = { FunctionName: props.name };
  const fn = (metric: string, stat: string) => ({ namespace: 'AWS/Lambda', metric, dimensions: dims, stat });
  const charts: ChartSpec[] = [
    {
      title: 'Invocations and errors',
      unit: 'count',
      testid: 'chart-invocations',
      lines: [
        { label: 'Invocations', color: COLORS[0]!, query: fn('Invocations', 'Sum') },
        { label: 'Errors', color: COLORS[1]!, query: fn('Errors', 'Sum') },
        { label: 'Throttles', color: COLORS[2]!, query: fn('Throttles', 'Sum') },
      ],
    },
    {
      title: 'Duration',
      unit: 'ms',
      testid: 'chart-duration',
      lines: [
        { label: 'Average', color: COLORS[0]!, query: fn('Duration', 'Average') },
        { label: 'Maximum', color: COLORS[1]!, query: fn('Duration', 'Maximum') },
      ],
    },
    {
      title: 'Concurrent executions',
      unit: 'count',
      testid: 'chart-concurrency',
      lines: [{ label: 'Maximum', color: COLORS[4]!, query: fn('ConcurrentExecutions', 'Maximum') }],
    },
  ];
  return <MetricsView charts={charts} testid="function-metrics" />;
}
