// One function: code (edit, save) with a test event beside it, configuration
// (memory, timeout, handler, environment), versions and aliases, and its monitoring (metrics
// charts and its log with a live tail).
import { useEffect, useState } from 'preact/hooks';
import { functions as functionsApi, type FunctionConfiguration } from '../../api/lambda';
import { DetailHead } from '../../ui/detail_head';
import { useLoad } from '../../ui/hooks';
import { ErrorBox, Spinner, Tabs } from '../../ui/widgets';
import { FunctionCode } from './function_code';
import { FunctionTest } from './function_test';
import { FunctionConfig } from './function_config';
import { FunctionVersions } from './function_versions';
import { LogViewer } from '../monitoring/log_viewer';
import { FunctionMetrics } from '../monitoring/metrics_view';

const TABS = [
  { id: 'code', label: 'Code and test' },
  { id: 'configuration', label: 'Configuration' },
  { id: 'versions', label: 'Versions and aliases' },
  { id: 'monitoring', label: 'Monitoring' },
] as const;

export function FunctionPage(props: { name: string; tab: string }) {
  const { name } = props;
  const fn = useLoad(() => functionsApi.get(name), [name]);
  const [config, setConfig] = useState<FunctionConfiguration | null>(null);
  const c = config ?? fn.data?.Configuration;
  // A create or update leaves the function Pending / InProgress for a moment: follow it
  // until it settles so the header (and a following Test) see the final state.
  const settling = c ? c.State === 'Pending' || c.LastUpdateStatus === 'InProgress' : false;
  useEffect(() => {
    if (!settling) return;
    let stopped = false;
    let timer = 0;
    const poll = async (left: number) => {
      try {
        const cfg = await functionsApi.getConfiguration(name);
        if (stopped) return;
        setConfig(cfg);
        if ((cfg.State === 'Pending' || cfg.LastUpdateStatus === 'InProgress') && left > 0) {
          timer = window.setTimeout(() => void poll(left - 1), 500);
        }
      } catch {
        // The page shows the last known state; a reload fetches it again.
      }
    };
    timer = window.setTimeout(() => void poll(40), 300);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [settling, name]);
  const tab = TABS.find((t) => t.id === props.tab)?.id ?? 'code';
  const base = `/functions/${encodeURIComponent(name)}`;
  // Tabs stay mounted once opened, so switching never drops unsaved edits.
  const [visited, setVisited] = useState<Set<string>>(() => new Set([tab]));
  if (!visited.has(tab)) setVisited(new Set(visited).add(tab));

  return (
    <section class="page" data-testid="function-page">
      <DetailHead back={{ to: '/functions', label: 'Functions' }} title={name} titleTestid="function-name">
        {c ? (
          <p class="muted small-text">
            {c.Runtime} · <code>{c.Handler}</code> · {c.MemorySize} MB · {c.Timeout} s · {c.State ?? ''}
            {c.LastUpdateStatus && c.LastUpdateStatus !== 'Successful' ? ` · update ${c.LastUpdateStatus}` : ''}
          </p>
        ) : null}
      </DetailHead>
      <Tabs tabs={TABS} active={tab} linkTo={(t) => (t === 'code' ? base : `${base}/${t}`)} keepsState />
      {fn.error && !fn.data ? (
        <ErrorBox error={fn.error} testid="load-error" />
      ) : !fn.data || !c ? (
        <Spinner />
      ) : (
        <>
          {visited.has('code') ? (
            <div hidden={tab !== 'code'} class="code-and-test">
              <FunctionCode name={name} detail={fn.data} config={c} onSaved={(cfg) => setConfig(cfg)} />
              <FunctionTest name={name} />
            </div>
          ) : null}
          {visited.has('configuration') ? (
            <div hidden={tab !== 'configuration'}>
              <FunctionConfig config={c} onSaved={(cfg) => setConfig(cfg)} />
            </div>
          ) : null}
          {visited.has('versions') ? (
            <div hidden={tab !== 'versions'}>
              <FunctionVersions name={name} active={tab === 'versions'} />
            </div>
          ) : null}
          {tab === 'monitoring' ? (
            <div>
              <FunctionMetrics name={name} />
              <h3>Logs</h3>
              <LogViewer groups={[{ label: `/aws/lambda/${name}`, name: `/aws/lambda/${name}` }]} testid="function-logs" />
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
