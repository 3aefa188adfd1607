// A log group's recent events (CloudWatch Logs' FilterLogEvents) with a filter pattern and a
// live tail that asks for what came since the last event every 2 s.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../../api/client';
import { filterLogEvents, type LogEvent } from '../../api/logs';
import { ErrorBox } from '../../ui/widgets';

const KEEP = 500; // events shown at most
// Lambda writes an invocation's lines when it ends, stamped from its start: each poll asks again
// for the last few seconds and drops what it has already shown.
const OVERLAP_MS = 15_000;

export function LogViewer(props: { groups: Array<{ label: string; name: string }>; testid: string }) {
  const [group, setGroup] = useState(props.groups[0]?.name ?? '');
  const [pattern, setPattern] = useState('');
  const [applied, setApplied] = useState('');
  const [live, setLive] = useState(false);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const last = useRef(0);
  const seen = useRef(new Set<string>());

  useEffect(() => {
    let stopped = false;
    let timer = 0;
    last.current = Date.now() - 3600_000;
    seen.current = new Set();
    setEvents([]);
    const poll = async (first: boolean) => {
      try {
        const since = first ? last.current : Math.max(0, last.current - OVERLAP_MS);
        const got = await filterLogEvents(group, { pattern: applied, startTime: since, limit: first ? 200 : 1000 });
        if (stopped) return;
        setError(null);
        const fresh = got.filter((e) => {
          const key = e.eventId ?? `${e.timestamp}/${e.logStreamName ?? ''}/${e.message}`;
          if (seen.current.has(key)) return false;
          seen.current.add(key);
          return true;
        });
        if (got.length) last.current = Math.max(last.current, ...got.map((e) => e.timestamp));
        if (fresh.length) setEvents((old) => [...old, ...fresh].slice(-KEEP));
        if (seen.current.size > 4 * KEEP) seen.current = new Set([...seen.current].slice(-2 * KEEP));
      } catch (e) {
        // A group nothing wrote to yet (execution logging off, no access log) has no events.
        if (!stopped && (e as ApiError).type !== 'ResourceNotFoundException') setError(e as Error);
      }
      if (!stopped && live) timer = window.setTimeout(() => void poll(false), 2000);
    };
    void poll(true);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [group, applied, live]);

  return (
    <div class="log-viewer" data-testid={props.testid}>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(pattern);
        }}
      >
        {props.groups.length > 1 ? (
          <select value={group} onChange={(e) => setGroup(e.currentTarget.value)} aria-label="Log group" data-testid="log-group">
            {props.groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.label}
              </option>
            ))}
          </select>
        ) : null}
        <input
          type="search"
          placeholder="Filter pattern"
          value={pattern}
          onInput={(e) => setPattern(e.currentTarget.value)}
          aria-label="Filter pattern"
          data-testid="log-filter"
        />
        <button type="submit" class="small">
          Filter
        </button>
        <label class="small-text">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} data-testid="log-live" /> Live tail
        </label>
      </form>
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      <pre class="log-lines" data-testid="log-lines">
        {events.length === 0 ? <span class="muted">No events in the last hour.</span> : null}
        {events.map((e) => (
          <div key={`${e.eventId ?? ''}${e.timestamp}${e.message}`} class="log-line">
            <span class="muted">{new Date(e.timestamp).toISOString().slice(11, 23)} </span>
            {e.message}
          </div>
        ))}
      </pre>
    </div>
  );
}
