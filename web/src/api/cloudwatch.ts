// CloudWatch's GetMetricData (the query protocol: a form in, XML out), as the AWS SDKs send it,
// for the Monitoring views' charts.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
import { callRaw } from './client';

export interface MetricQuery {
  id: string; // [a-z][a-zA-Z0-9_]*
  namespace: string; // AWS/ApiGateway, AWS/Lambda
  metric: string;
  dimensions: Record<string, string>;
  stat: string; // Sum, Average, Maximum, p99 ...
  period?: number; // seconds, default 60
}

export interface MetricSeries {
  id: string;
  timestamps: number[]; // seconds since the epoch, oldest first
  values: number[];
}

function form(queries: MetricQuery[], start: Date, end: Date): string {
  const p = new URLSearchParams({ Action: 'GetMetricData', Version: '2010-08-01' });
  p.set('StartTime', start.toISOString());
  p.set('EndTime', end.toISOString());
  p.set('ScanBy', 'TimestampAscending');
  queries.forEach((q, i) => {
    const m = `MetricDataQueries.member.${i + 1}`;
    p.set(`${m}.Id`, q.id);
    p.set(`${m}.MetricStat.Metric.Namespace`, q.namespace);
    p.set(`${m}.MetricStat.Metric.MetricName`, q.metric);
    Object.entries(q.dimensions).forEach(([name, value], j) => {
      p.set(`${m}.MetricStat.Metric.Dimensions.member.${j + 1}.Name`, name);
      p.set(`${m}.MetricStat.Metric.Dimensions.member.${j + 1}.Value`, value);
    });
    p.set(`${m}.MetricStat.Period`, String(q.period ?? 60));
    p.set(`${m}.MetricStat.Stat`, q.stat);
  });
  return p.toString();
}

/** The queries' datapoints over [start, end), one series per query id. */
export async function getMetricData(queries: MetricQuery[], start: Date, end: Date): Promise<Record<string, MetricSeries>> {
  const res = await callRaw('POST', '/', undefined, {
    rawBody: form(queries, start, end),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Accept: 'text/xml' },
  });
  const doc = new DOMParser().parseFromString(res.text, 'text/xml');
  const out: Record<string, MetricSeries> = {};
  const results = doc.getElementsByTagName('MetricDataResults')[0];
  for (const member of Array.from(results?.children ?? [])) {
    const id = member.getElementsByTagName('Id')[0]?.textContent ?? '';
    const list = (tag: string) =>
      Array.from(member.getElementsByTagName(tag)[0]?.children ?? []).map((e) => e.textContent ?? '');
    out[id] = {
      id,
      timestamps: list('Timestamps').map((t) => Date.parse(t) / 1000),
      values: list('Values').map(Number),
    };
  }
  return out;
}
