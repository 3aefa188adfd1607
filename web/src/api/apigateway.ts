// API Gateway management calls, on the same paths and JSON shapes the AWS CLI uses
// (https://docs.aws.amazon.com/apigateway/latest/api/). Lists ask for limit=500 and
// read the wire name `item`.
import { call, callRaw, seg } from './client';

export type StrMap = Record<string, string>;
export type BoolMap = Record<string, boolean>;

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  createdDate?: number;
  rootResourceId?: string;
  apiKeySource?: string;
  binaryMediaTypes?: string[];
}

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: StrMap;
  responseTemplates?: StrMap;
  contentHandling?: string;
}

export interface Integration {
  type: string;
  httpMethod?: string;
  uri?: string;
  requestParameters?: StrMap;
  requestTemplates?: StrMap;
  passthroughBehavior?: string;
  contentHandling?: string;
  timeoutInMillis?: number;
  responseTransferMode?: string;
  credentials?: string;
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: BoolMap;
  responseModels?: StrMap;
}

export interface Method {
  httpMethod: string;
  authorizationType?: string;
  authorizerId?: string;
  apiKeyRequired?: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: BoolMap;
  requestModels?: StrMap;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, Method>;
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate?: number;
}

export interface Stage {
  stageName: string;
  deploymentId?: string;
  description?: string;
  variables?: StrMap;
  clientCertificateId?: string;
  canarySettings?: CanarySettings;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  cacheClusterStatus?: string;
  accessLogSettings?: { format?: string; destinationArn?: string };
  methodSettings?: Record<string, { metricsEnabled?: boolean; loggingLevel?: string; cachingEnabled?: boolean }>;
  createdDate?: number;
  lastUpdatedDate?: number;
}

/** A stage's canary release: a deployment given percentTraffic % of the stage's requests. */
export interface CanarySettings {
  deploymentId?: string;
  percentTraffic?: number;
  stageVariableOverrides?: StrMap;
  useStageCache?: boolean;
}

export interface DomainName {
  domainName: string;
  domainNameStatus?: string;
  domainNameStatusMessage?: string;
  endpointConfiguration?: { types?: string[] };
  securityPolicy?: string;
  certificateArn?: string;
  certificateName?: string;
  certificateUploadDate?: number;
  regionalCertificateArn?: string;
  regionalCertificateName?: string;
  regionalDomainName?: string;
  distributionDomainName?: string;
  mutualTlsAuthentication?: { truststoreUri?: string; truststoreVersion?: string; truststoreWarnings?: string[] };
}

/** What create-domain-name takes: an ACM ARN or pasted PEM, and an optional truststore. */
export interface DomainNameInput {
  domainName: string;
  endpointConfiguration: { types: string[] };
  securityPolicy?: string;
  regionalCertificateArn?: string;
  certificateArn?: string;
  certificateName?: string;
  certificateBody?: string;
  certificatePrivateKey?: string;
  certificateChain?: string;
  mutualTlsAuthentication?: { truststoreUri: string };
}

export interface BasePathMapping {
  basePath: string;
  restApiId: string;
  stage?: string;
}

export interface ClientCertificate {
  clientCertificateId: string;
  description?: string;
  pemEncodedCertificate?: string;
  createdDate?: number;
  expirationDate?: number;
}

export interface Authorizer {
  id: string;
  name: string;
  type: string;
  authorizerUri?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
  providerARNs?: string[];
}

export interface Model {
  id: string;
  name: string;
  contentType?: string;
  description?: string;
  schema?: string;
}

export interface RequestValidator {
  id: string;
  name: string;
  validateRequestBody?: boolean;
  validateRequestParameters?: boolean;
}

export interface GatewayResponse {
  responseType: string;
  statusCode?: string;
  responseParameters?: StrMap;
  responseTemplates?: StrMap;
  defaultResponse?: boolean;
}

export interface ApiKey {
  id: string;
  name?: string;
  value?: string;
  description?: string;
  enabled?: boolean;
  customerId?: string;
  createdDate?: number;
}

export interface UsagePlan {
  id: string;
  name: string;
  description?: string;
  apiStages?: { apiId: string; stage: string }[];
  throttle?: { burstLimit?: number; rateLimit?: number };
  quota?: { limit?: number; period?: string; offset?: number };
}

export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'copy';
  path: string;
  value?: string;
  from?: string;
}

export interface TestInvokeResult {
  status: number;
  body?: string;
  headers?: StrMap;
  multiValueHeaders?: Record<string, string[]>;
  latency?: number;
  log?: string;
}

interface List<T> {
  item?: T[];
  position?: string;
}

async function list<T>(path: string): Promise<T[]> {
  const sep = path.includes('?') ? '&' : '?';
  const out: T[] = [];
  let position: string | undefined;
  // Follow `position` so a long list is never silently cut; 20 pages of 500 is plenty.
  for (let page = 0; page < 20; page++) {
    const q = position ? `&position=${encodeURIComponent(position)}` : '';
    const r = await call<List<T>>('GET', `${path}${sep}limit=500${q}`);
    out.push(...(r.item ?? []));
    if (!r.position || r.position === position) break;
    position = r.position;
  }
  return out;
}

/** JSON Pointer escaping for a patch path segment (`application/json` → `application~1json`). */
export function ptr(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** add/replace/remove ops turning map `a` into `b` under `base` (values as strings). */
export function mapDiff(base: string, a: Record<string, unknown>, b: Record<string, unknown>, escape = (s: string) => s): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const k of Object.keys(a)) if (!(k in b)) ops.push({ op: 'remove', path: `${base}/${escape(k)}` });
  for (const [k, v] of Object.entries(b)) {
    if (!(k in a)) ops.push({ op: 'add', path: `${base}/${escape(k)}`, value: String(v) });
    else if (String(a[k]) !== String(v)) ops.push({ op: 'replace', path: `${base}/${escape(k)}`, value: String(v) });
  }
  return ops;
}

const api = (id: string) => `/restapis/${seg(id)}`;
const res = (id: string, rid: string) => `${api(id)}/resources/${seg(rid)}`;
const meth = (id: string, rid: string, verb: string) => `${res(id, rid)}/methods/${seg(verb)}`;

/** What import-rest-api and put-rest-api answer: the API, and what the import skipped. */
export type ImportedApi = RestApi & { warnings?: string[] };

export const restApis = {
  /** import-rest-api (POST /restapis?mode=import): the document as written, JSON or YAML. */
  importDocument: (text: string, failOnWarnings: boolean) =>
    call<ImportedApi>('POST', `/restapis?mode=import${failOnWarnings ? '&failonwarnings=true' : ''}`, undefined, {
      rawBody: text,
    }),
  /** put-rest-api: the document merged into, or overwriting, an existing API. */
  putDocument: (id: string, text: string, mode: 'merge' | 'overwrite') =>
    call<ImportedApi>('PUT', `${api(id)}?mode=${mode}`, undefined, { rawBody: text }),
  /** get-export of a stage: the OpenAPI 3.0 or Swagger 2.0 document, as JSON or YAML text. */
  exportStage: async (id: string, stage: string, type: 'oas30' | 'swagger', extensions: boolean, yaml: boolean) =>
    (
      await callRaw('GET', `${api(id)}/stages/${seg(stage)}/exports/${type}${extensions ? '?extensions=integrations' : ''}`,
        undefined, { headers: { Accept: yaml ? 'application/yaml' : 'application/json' } })
    ).text,
  list: () => list<RestApi>('/restapis'),
  get: (id: string) => call<RestApi>('GET', api(id)),
  create: (name: string, description: string) =>
    call<RestApi>('POST', '/restapis', description ? { name, description } : { name }),
  update: (id: string, ops: PatchOp[]) => call<RestApi>('PATCH', api(id), { patchOperations: ops }),
  remove: (id: string) => call<void>('DELETE', api(id)),
};

export const resources = {
  list: (id: string) => list<Resource>(`${api(id)}/resources?embed=methods`),
  create: (id: string, parentId: string, pathPart: string) =>
    call<Resource>('POST', res(id, parentId), { pathPart }),
  remove: (id: string, rid: string) => call<void>('DELETE', res(id, rid)),
};

export const methods = {
  get: (id: string, rid: string, verb: string) => call<Method>('GET', meth(id, rid, verb)),
  put: (id: string, rid: string, verb: string, body: Partial<Method>) =>
    call<Method>('PUT', meth(id, rid, verb), body),
  update: (id: string, rid: string, verb: string, ops: PatchOp[]) =>
    call<Method>('PATCH', meth(id, rid, verb), { patchOperations: ops }),
  remove: (id: string, rid: string, verb: string) => call<void>('DELETE', meth(id, rid, verb)),
  testInvoke: (
    id: string,
    rid: string,
    verb: string,
    body: { pathWithQueryString: string; body: string; headers: StrMap; stageVariables: StrMap },
  ) => call<TestInvokeResult>('POST', meth(id, rid, verb), body),
  putIntegration: (id: string, rid: string, verb: string, body: Integration) =>
    call<Integration>('PUT', `${meth(id, rid, verb)}/integration`, body),
  removeIntegration: (id: string, rid: string, verb: string) =>
    call<void>('DELETE', `${meth(id, rid, verb)}/integration`),
  putIntegrationResponse: (id: string, rid: string, verb: string, status: string, body: Partial<IntegrationResponse>) =>
    call<IntegrationResponse>('PUT', `${meth(id, rid, verb)}/integration/responses/${seg(status)}`, body),
  removeIntegrationResponse: (id: string, rid: string, verb: string, status: string) =>
    call<void>('DELETE', `${meth(id, rid, verb)}/integration/responses/${seg(status)}`),
  putMethodResponse: (id: string, rid: string, verb: string, status: string, body: Partial<MethodResponse>) =>
    call<MethodResponse>('PUT', `${meth(id, rid, verb)}/responses/${seg(status)}`, body),
  removeMethodResponse: (id: string, rid: string, verb: string, status: string) =>
    call<void>('DELETE', `${meth(id, rid, verb)}/responses/${seg(status)}`),
};

export const deployments = {
  list: (id: string) => list<Deployment>(`${api(id)}/deployments`),
  create: (id: string, stageName: string, description: string) =>
    call<Deployment>('POST', `${api(id)}/deployments`, { stageName, description }),
};

export const stages = {
  list: async (id: string) => (await call<List<Stage>>('GET', `${api(id)}/stages`)).item ?? [],
  update: (id: string, stage: string, ops: PatchOp[]) =>
    call<Stage>('PATCH', `${api(id)}/stages/${seg(stage)}`, { patchOperations: ops }),
  remove: (id: string, stage: string) => call<void>('DELETE', `${api(id)}/stages/${seg(stage)}`),
  /** FlushStageCache: every entry of the stage's cache goes. */
  flushCache: (id: string, stage: string) => call<void>('DELETE', `${api(id)}/stages/${seg(stage)}/cache/data`),
};

export const domainNames = {
  list: () => list<DomainName>('/domainnames'),
  get: (name: string) => call<DomainName>('GET', `/domainnames/${seg(name)}`),
  create: (body: DomainNameInput) => call<DomainName>('POST', '/domainnames', body),
  update: (name: string, ops: PatchOp[]) => call<DomainName>('PATCH', `/domainnames/${seg(name)}`, { patchOperations: ops }),
  remove: (name: string) => call<void>('DELETE', `/domainnames/${seg(name)}`),
};

const mappings = (domain: string) => `/domainnames/${seg(domain)}/basepathmappings`;

export const basePathMappings = {
  list: (domain: string) => list<BasePathMapping>(mappings(domain)),
  create: (domain: string, body: BasePathMapping) => call<BasePathMapping>('POST', mappings(domain), body),
  /** `basePath` as the API names it: "(none)" for the empty base path. */
  remove: (domain: string, basePath: string) => call<void>('DELETE', `${mappings(domain)}/${seg(basePath)}`),
};

export const clientCertificates = {
  list: () => list<ClientCertificate>('/clientcertificates'),
  generate: (description: string) =>
    call<ClientCertificate>('POST', '/clientcertificates', description ? { description } : {}),
  remove: (id: string) => call<void>('DELETE', `/clientcertificates/${seg(id)}`),
};

export const authorizers = {
  list: (id: string) => list<Authorizer>(`${api(id)}/authorizers`),
  create: (id: string, body: Omit<Authorizer, 'id'>) => call<Authorizer>('POST', `${api(id)}/authorizers`, body),
  remove: (id: string, aid: string) => call<void>('DELETE', `${api(id)}/authorizers/${seg(aid)}`),
};

export const models = {
  list: (id: string) => list<Model>(`${api(id)}/models`),
  create: (id: string, body: Omit<Model, 'id'>) => call<Model>('POST', `${api(id)}/models`, body),
  remove: (id: string, name: string) => call<void>('DELETE', `${api(id)}/models/${seg(name)}`),
};

export const validators = {
  list: (id: string) => list<RequestValidator>(`${api(id)}/requestvalidators`),
  create: (id: string, body: Omit<RequestValidator, 'id'>) =>
    call<RequestValidator>('POST', `${api(id)}/requestvalidators`, body),
  remove: (id: string, vid: string) => call<void>('DELETE', `${api(id)}/requestvalidators/${seg(vid)}`),
};

export const gatewayResponses = {
  list: (id: string) => list<GatewayResponse>(`${api(id)}/gatewayresponses`),
  put: (id: string, type: string, body: Omit<GatewayResponse, 'responseType'>) =>
    call<GatewayResponse>('PUT', `${api(id)}/gatewayresponses/${seg(type)}`, body),
  remove: (id: string, type: string) => call<void>('DELETE', `${api(id)}/gatewayresponses/${seg(type)}`),
};

export const apiKeys = {
  list: () => list<ApiKey>('/apikeys?includeValues=true'),
  create: (body: { name: string; description?: string; enabled: boolean; value?: string }) =>
    call<ApiKey>('POST', '/apikeys', body),
  remove: (kid: string) => call<void>('DELETE', `/apikeys/${seg(kid)}`),
};

export const usagePlans = {
  list: () => list<UsagePlan>('/usageplans'),
  create: (body: Omit<UsagePlan, 'id'>) => call<UsagePlan>('POST', '/usageplans', body),
  remove: (pid: string) => call<void>('DELETE', `/usageplans/${seg(pid)}`),
  keys: (pid: string) => list<{ id: string; name?: string; type?: string }>(`/usageplans/${seg(pid)}/keys`),
  addKey: (pid: string, keyId: string) =>
    call<unknown>('POST', `/usageplans/${seg(pid)}/keys`, { keyId, keyType: 'API_KEY' }),
  removeKey: (pid: string, keyId: string) => call<void>('DELETE', `/usageplans/${seg(pid)}/keys/${seg(keyId)}`),
};

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'] as const;
export const INTEGRATION_TYPES = ['MOCK', 'HTTP', 'HTTP_PROXY', 'AWS_PROXY', 'AWS'] as const;
