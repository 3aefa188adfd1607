// CloudWatch Logs' FilterLogEvents (JSON 1.1, X-Amz-Target), for the log viewers: a function's
// /aws/lambda/<name>, a stage's access log group and its execution logs.
import { call } from './client';

export interface LogEvent {
  timestamp: number;
  message: string;
  logStreamName?: string;
  eventId?: string;
}

export async function filterLogEvents(group: string, opts: { pattern?: string; startTime?: number; limit?: number } = {}): Promise<LogEvent[]> {
  const body: Record<string, unknown> = { logGroupName: group, limit: opts.limit ?? 200 };
  if (opts.pattern) body.filterPattern = opts.pattern;
  if (opts.startTime !== undefined) body.startTime = opts.startTime;
  const res = await call<{ events?: LogEvent[] }>('POST', '/', body, {
    headers: { 'X-Amz-Target': 'Logs_20140328.FilterLogEvents', 'Content-Type': 'application/x-amz-json-1.1' },
  });
  return res.events ?? [];
}
