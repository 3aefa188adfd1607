// One REST API: its header (name, id, Deploy) and the sections below it, each a tab
// with its own URL: resources (tree and method view), stages, authorizers, models,
// request validators and gateway responses.
import { useState } from 'preact/hooks';
import { resources as resourcesApi, restApis } from '../../api/apigateway';
import { match } from '../../router';
import { DetailHead } from '../../ui/detail_head';
import { useLoad } from '../../ui/hooks';
import { ErrorBox, Link, Spinner, Tabs } from '../../ui/widgets';
import { DeployDialog } from './deploy_dialog';
import { ResourcesSection } from './resources';
import { StagesSection } from './stages';
import { AuthorizersSection } from './authorizers';
import { ModelsSection } from './models';
import { ValidatorsSection } from './validators';
import { GatewayResponsesSection } from './gateway_responses';

const TABS = [
  { id: 'resources', label: 'Resources' },
  { id: 'stages', label: 'Stages' },
  { id: 'authorizers', label: 'Authorizers' },
  { id: 'models', label: 'Models' },
  { id: 'validators', label: 'Validators' },
  { id: 'gatewayresponses', label: 'Gateway responses' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function ApiPage(props: { apiId: string; path: string }) {
  const { apiId, path } = props;
  const api = useLoad(() => restApis.get(apiId), [apiId]);
  const tree = useLoad(() => resourcesApi.list(apiId), [apiId]);
  const [deploying, setDeploying] = useState(false);
  const [deploys, setDeploys] = useState(0);

  const rest = path.split('/').slice(3); // after /apis/:id
  const tab: TabId = (TABS.find((t) => t.id === rest[0])?.id ?? 'resources') as TabId;
  const methodMatch = match('/apis/:a/resources/:rid/methods/:verb', path);
  const resourceMatch = match('/apis/:a/resources/:rid', path);
  const stageMatch = match('/apis/:a/stages/:stage', path);

  if (api.error && !api.data) {
    return (
      <section class="page">
        <p class="crumbs">
          <Link to="/apis">APIs</Link>
        </p>
        <ErrorBox error={api.error} testid="load-error" />
      </section>
    );
  }

  return (
    <section class="page api-page" data-testid="api-page">
      <DetailHead
        back={{ to: '/apis', label: 'APIs' }}
        title={api.data ? api.data.name : <Spinner />}
        titleTestid="api-name"
        actions={
          <>
            <span class="spacer" />
            <button type="button" class="primary" onClick={() => setDeploying(true)} data-testid="deploy-api">
              Deploy API
            </button>
          </>
        }
      >
        <p class="muted small-text">
          <code>{apiId}</code>
          {api.data?.description ? ` · ${api.data.description}` : ''}
        </p>
      </DetailHead>
      <Tabs tabs={TABS} active={tab} linkTo={(t) => `/apis/${apiId}/${t}`} />
      {tab === 'resources' ? (
        <ResourcesSection
          apiId={apiId}
          tree={tree}
          selectedId={methodMatch?.rid ?? resourceMatch?.rid ?? null}
          verb={methodMatch?.verb ?? null}
        />
      ) : tab === 'stages' ? (
        <StagesSection key={deploys} apiId={apiId} selected={stageMatch?.stage ?? null} onDeploy={() => setDeploying(true)} />
      ) : tab === 'authorizers' ? (
        <AuthorizersSection apiId={apiId} />
      ) : tab === 'models' ? (
        <ModelsSection apiId={apiId} />
      ) : tab === 'validators' ? (
        <ValidatorsSection apiId={apiId} />
      ) : (
        <GatewayResponsesSection apiId={apiId} />
      )}
      {deploying ? <DeployDialog apiId={apiId} onClose={() => setDeploying(false)} onDeployed={() => setDeploys((n) => n + 1)} /> : null}
    </section>
  );
}
