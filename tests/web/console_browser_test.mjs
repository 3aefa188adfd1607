#!/usr/bin/env node
// Browser test of the Portico web console: starts `portico serve` on loopback ports with
// the built console, drives Debian's Chromium through playwright-core like a user
// (login, API, resource, MOCK method, test invoke, deploy, invoke URL, a canary started,
// promoted and removed on the stage, the stage's monitoring charts counting its requests, its
// cache turned on, flushed and off, a certificate from the local CA, a custom domain mapped to
// the stage and served over TLS, a client certificate picked for the stage, a Node function and
// its test event, its monitoring tab's chart and live log tail, logout) and saves
// a screenshot of each page it visits.
//
//   node tests/web/console_browser_test.mjs --portico build/release/portico \
//        --console-dir <built console dir> --artifacts <dir>
//
// Only 127.0.0.1 is contacted. Exits 0 when every step passed, 1 with the failing step's
// message otherwise.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const READY_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 15_000;
const INVOKE_TIMEOUT_MS = 45_000; // a first invoke starts a sandboxed runtime
const TOTAL_TIMEOUT_MS = 240_000;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--portico' || a === '--console-dir' || a === '--artifacts') out[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['portico', 'console-dir', 'artifacts']) if (!out[k]) throw new Error(`--${k} is required`);
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForFile(file, proc, what, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode} before writing ${file}`);
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // Written but not complete yet.
      }
    }
    await sleep(50);
  }
  throw new Error(`${what} did not write ${file} within ${timeoutMs / 1000} s`);
}

function stop(proc) {
  if (!proc || proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 5000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const portico = path.resolve(opts.portico);
  const consoleDir = path.resolve(opts['console-dir']);
  const artifacts = path.resolve(opts.artifacts);
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(path.join(consoleDir, 'index.html'))) throw new Error(`no index.html in --console-dir ${consoleDir}`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

  const work = mkdtempSync(path.join(os.tmpdir(), 'portico-console-test-'));
  const procs = [];
  let context = null;
  let page = null;
  let stepNo = 0;
  let current = 'start';
  const started = Date.now();
  const pageErrors = []; // uncaught exceptions in the console's page fail the test

  const step = async (name, fn, shot) => {
    current = name;
    stepNo++;
    const t0 = Date.now();
    await fn();
    if (shot && page) await page.evaluate(() => window.scrollTo(0, 0));
    if (shot && page) await page.screenshot({ path: path.join(artifacts, `${String(stepNo).padStart(2, '0')}-${shot}.png`), fullPage: true });
    console.log(`ok ${stepNo} ${name} (${Date.now() - t0} ms)`);
  };

  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      for (const p of procs) p.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
      process.exit(1);
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`FAIL: the whole test took longer than ${TOTAL_TIMEOUT_MS / 1000} s (during "${current}")`);
    for (const p of procs) p.kill('SIGKILL');
    process.exit(1);
  }, TOTAL_TIMEOUT_MS);

  try {
    // ---- Portico ----
    let base;
    let dataUrl;
    let tlsAddress;
    await step('start portico', async () => {
      const readyFile = path.join(work, 'ready.json');
      const log = openSync(path.join(artifacts, 'portico.log'), 'w');
      const args = ['serve', '--data-dir', path.join(work, 'data'), '--admin-listen', '127.0.0.1:0', '--listen', '127.0.0.1:0', '--tls-listen', '127.0.0.1:0', '--ready-file', readyFile, '--console-dir', consoleDir];
      const p = spawn(portico, args, { stdio: ['ignore', log, log] });
      procs.push(p);
      let ready;
      try {
        ready = await waitForFile(readyFile, p, 'portico', READY_TIMEOUT_MS);
      } catch (e) {
        throw new Error(`${e.message}\n--- portico.log ---\n${tail(path.join(artifacts, 'portico.log'))}`);
      }
      base = `http://${ready.admin}`;
      dataUrl = `http://${ready.data}`;
      tlsAddress = ready.tls;
      if (!/^127\.0\.0\.1:\d+$/.test(tlsAddress ?? '')) throw new Error(`no loopback TLS listener in the ready file: ${tlsAddress}`);
      for (const u of [base, dataUrl]) if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(u)) throw new Error(`not a loopback address: ${u}`);
    });

    await step('launch chromium', async () => {
      context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
        viewport: { width: 1360, height: 900 },
        timeout: STEP_TIMEOUT_MS,
      });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      // Nothing but Portico on loopback: refuse any other request the page might make.
      await context.route('**/*', (route) => {
        const u = new URL(route.request().url());
        if (u.hostname === '127.0.0.1' || u.protocol === 'data:') return route.continue();
        return route.abort();
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => pageErrors.push(e.message));
    });

    const byTest = (id) => page.getByTestId(id);
    const expectText = async (locator, re, timeout = STEP_TIMEOUT_MS) => {
      await locator.first().waitFor({ state: 'visible', timeout });
      const until = Date.now() + timeout;
      let text = '';
      while (Date.now() < until) {
        text = (await locator.first().innerText()).trim();
        if (re.test(text)) return text;
        await sleep(100);
      }
      throw new Error(`expected ${re} in ${locator}, got ${JSON.stringify(text.slice(0, 500))}`);
    };
    // Replaces a code editor's text (CodeMirror once loaded, else its textarea).
    const fillCode = async (container, text) => {
      await container.locator('.cm-content').waitFor({ state: 'visible' });
      const content = container.locator('.cm-content');
      await content.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(text);
      // CodeMirror reads typed input from the DOM asynchronously: poll until it shows.
      const want = text.replace(/\s+/g, '');
      let got = '';
      for (const until = Date.now() + 5000; Date.now() < until; await sleep(50)) {
        got = (await content.innerText()).replace(/\s+/g, '');
        if (got === want) return;
      }
      throw new Error(`code editor holds ${JSON.stringify(got)}, wanted ${JSON.stringify(text)}`);
    };

    await step('login page; a wrong secret is refused', async () => {
      const t0 = Date.now();
      await page.goto(`${base}/console/`);
      await byTest('login-form').waitFor();
      console.log(`   login form painted in ${Date.now() - t0} ms`);
      await page.getByLabel('Access key ID').fill('test');
      await page.getByLabel('Secret access key').fill('wrong-secret');
      await byTest('login-submit').click();
      await expectText(byTest('login-error'), /.+/);
    }, 'login-error');

    await step('log in with test/test', async () => {
      await page.getByLabel('Secret access key').fill('test');
      await byTest('login-submit').click();
      await byTest('apis-page').waitFor();
      await expectText(byTest('whoami'), /^test$/);
    }, 'apis');

    const apiName = `console-test-${Date.now().toString(36)}`;
    await step('create an API', async () => {
      await byTest('create-api').click();
      const dialog = byTest('create-api-dialog');
      await dialog.getByLabel('Name').fill(apiName);
      await dialog.getByLabel('Description').fill('made by the browser test');
      await byTest('create-api-submit').click();
      await expectText(byTest('api-name'), new RegExp(`^${apiName}$`));
      await byTest('resource-tree').waitFor();
    }, 'api-resources');

    await step('create resource /pets', async () => {
      await byTest('create-resource').click();
      const dialog = byTest('create-resource-dialog');
      await dialog.getByLabel('Path part').fill('pets');
      await byTest('create-resource-submit').click();
      await byTest('resource-/pets').waitFor();
      await expectText(byTest('resource-detail'), /\/pets/);
    }, 'resource-pets');

    await step('create GET /pets with a MOCK integration', async () => {
      await byTest('create-method').click();
      const dialog = byTest('create-method-dialog');
      await dialog.getByLabel('HTTP method').selectOption('GET');
      await dialog.locator('input[name=integrationType][value=MOCK]').check();
      await byTest('create-method-submit').click();
      await byTest('method-view').waitFor();
      await byTest('method-/pets-GET').waitFor();
      await expectText(byTest('flow-integration'), /MOCK/);
    }, 'method-view');

    await step('integration request holds the MOCK template {"statusCode": 200}', async () => {
      await byTest('flow-integration-request').click();
      const ed = byTest('integration-request-editor');
      await ed.waitFor();
      await expectText(ed.getByTestId('template-editor'), /"statusCode":\s*200/);
    }, 'integration-request');

    await step('integration response 200 gets the template {"pets": ["rex"]}', async () => {
      await byTest('flow-integration-response').click();
      const ed = byTest('integration-response-editor');
      await ed.waitFor();
      await ed.getByTestId('integration-response-200').click();
      await ed.getByTestId('add-template').click(); // application/json by default
      await fillCode(ed.getByTestId('template-editor'), '{"pets": ["rex"]}');
      await ed.getByTestId('save-integration-response').click();
      const saved = page.getByTestId('toast').filter({ hasText: 'Saved integration response' });
      await saved.or(ed.getByTestId('integration-response-error')).first().waitFor();
      if (!(await saved.first().isVisible())) throw new Error(`save failed: ${await ed.getByTestId('integration-response-error').innerText()}`);
    }, 'integration-response');

    await step('Test in the method view answers 200 with the body', async () => {
      await byTest('open-test').click();
      const panel = byTest('test-panel');
      await panel.waitFor();
      await byTest('test-path').fill('/pets?x=1');
      await byTest('run-test').click();
      await byTest('test-result').or(byTest('test-error')).first().waitFor();
      if (await byTest('test-error').isVisible()) throw new Error(`test invoke failed: ${await byTest('test-error').innerText()}`);
      await expectText(byTest('test-status'), /^200$/);
      await expectText(byTest('test-body'), /"pets":\s*\[\s*"rex"\s*\]/);
      await expectText(byTest('test-log'), /.+/);
    }, 'method-test');

    let invokeUrl = '';
    await step('deploy to stage dev', async () => {
      await byTest('deploy-api').click();
      const dialog = byTest('deploy-dialog');
      await dialog.getByLabel('Stage name').fill('dev');
      await dialog.getByLabel('Deployment description').fill('first deploy');
      await byTest('deploy-submit').click();
      await byTest('stage-detail').waitFor();
      invokeUrl = await expectText(byTest('invoke-url'), /\/restapis\/[a-z0-9]+\/dev\/_user_request_\/$/);
      await expectText(byTest('deployment-history'), /first deploy/);
    }, 'stage-dev');

    await step('the invoke URL serves GET /pets', async () => {
      if (!invokeUrl.startsWith(`${dataUrl}/`)) throw new Error(`invoke URL ${invokeUrl} is not on the data plane ${dataUrl}`);
      const res = await fetch(`${invokeUrl}pets`, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
      const body = await res.text();
      if (res.status !== 200 || !/"pets":\s*\["rex"\]/.test(body)) throw new Error(`GET ${invokeUrl}pets → ${res.status} ${body.slice(0, 300)}`);
    });

    await step('start a canary on stage dev at 100% and promote it', async () => {
      await byTest('canary-percent').fill('100');
      await byTest('canary-save').click();
      await expectText(byTest('canary-summary'), /gets 100% of requests/);
      const res = await fetch(`${invokeUrl}pets`, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
      if (res.status !== 200) throw new Error(`GET ${invokeUrl}pets with the canary → ${res.status}`);
      await byTest('canary-promote').click();
      await expectText(byTest('canary-summary'), /gets 0% of requests/);
      await byTest('canary-remove').click();
      await expectText(byTest('canary-summary'), /No canary/);
    }, 'stage-canary');

    // The chart's plotted points (data-series: {line label: [[epoch seconds, value], ...]}).
    const chartTotal = async (testid, label) => {
      const raw = await byTest(testid).getAttribute('data-series');
      return (JSON.parse(raw ?? '{}')[label] ?? []).reduce((sum, [, v]) => sum + v, 0);
    };
    const waitForTotal = async (testid, label, want, timeout = STEP_TIMEOUT_MS) => {
      let got = 0;
      for (const until = Date.now() + timeout; Date.now() < until; await sleep(500)) {
        await byTest('metrics-refresh').click();
        await sleep(300);
        got = await chartTotal(testid, label);
        if (got === want) return;
      }
      throw new Error(`chart ${testid} shows ${got} ${label}, wanted ${want}`);
    };

    await step("the stage's monitoring charts count the requests sent", async () => {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${invokeUrl}pets`, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
        if (res.status !== 200) throw new Error(`GET ${invokeUrl}pets → ${res.status}`);
      }
      await byTest('stage-metrics').waitFor();
      await byTest('chart-requests').locator('canvas').first().waitFor();
      await waitForTotal('chart-requests', 'Count', 5); // two in the steps above, three here
      if ((await chartTotal('chart-errors', '4XXError')) !== 0) throw new Error('no 4xx was sent');
    }, 'stage-monitoring');

    await step('turn the stage cache on, flush it, turn it off', async () => {
      await byTest('cache-enabled').check();
      await byTest('cache-size').selectOption('0.5');
      await byTest('cache-save').click();
      await expectText(byTest('cache-status'), /Cache AVAILABLE, 0\.5 GB/);
      await byTest('cache-flush').click();
      await byTest('toast').filter({ hasText: 'Flushed the cache of dev' }).first().waitFor();
      await byTest('cache-enabled').uncheck();
      await byTest('cache-save').click();
      await expectText(byTest('cache-status'), /No stage cache/);
    }, 'stage-cache');

    const domain = 'api.console.test';
    await step(`request a certificate for ${domain} from the local CA`, async () => {
      await byTest('nav-certificates').click();
      await byTest('certificates-page').waitFor();
      await byTest('request-certificate').click();
      const dialog = byTest('request-certificate-dialog');
      await dialog.getByLabel('Domain name').fill(domain);
      await byTest('request-certificate-submit').click();
      await expectText(byTest(`certificate-${domain}`), /Local CA\s+ISSUED/);
    }, 'certificates');

    await step(`create the custom domain ${domain} with that certificate`, async () => {
      await byTest('nav-domains').click();
      await byTest('domains-page').waitFor();
      await byTest('create-domain').click();
      const dialog = byTest('create-domain-dialog');
      await dialog.getByLabel('Domain name').fill(domain);
      await expectText(dialog.getByLabel('ACM certificate'), new RegExp(`${domain.replace(/\./g, '\\.')} \\(local CA\\)`));
      await byTest('create-domain-submit').click();
      await byTest('domain-page').or(dialog.getByTestId('error')).first().waitFor();
      if (await dialog.getByTestId('error').isVisible()) throw new Error(`create failed: ${await dialog.getByTestId('error').innerText()}`);
      await expectText(byTest('domain-name'), new RegExp(`^${domain.replace(/\./g, '\\.')}$`));
      await expectText(byTest('domain-status'), /^AVAILABLE$/);
      await expectText(byTest('domain-certificate'), /arn:aws:acm:/);
    }, 'domain');

    await step('map the domain root to the API stage dev', async () => {
      const panel = byTest('domain-mappings');
      await panel.locator('select[name=restApiId]').selectOption({ label: `${apiName} (${invokeUrl.split('/')[4]})` });
      await panel.locator('select[name=stage] option', { hasText: 'dev' }).waitFor({ state: 'attached' });
      await byTest('add-mapping').click();
      await expectText(byTest('mapping-(none)'), new RegExp(`^/\\s+${apiName}\\s+dev`));
    }, 'domain-mapping');

    await step(`https://${domain}/pets is served by the TLS listener with the local CA's certificate`, async () => {
      const ca = execFileSync(portico, ['ca', '--data-dir', path.join(work, 'data')], { timeout: STEP_TIMEOUT_MS }).toString();
      if (!ca.includes('BEGIN CERTIFICATE')) throw new Error(`portico ca printed ${ca.slice(0, 200)}`);
      const [host, port] = tlsAddress.split(':');
      const { status, body, subject } = await new Promise((resolve, reject) => {
        const req = https.request(
          { host, port: Number(port), servername: domain, path: '/pets', headers: { Host: domain }, ca, timeout: STEP_TIMEOUT_MS },
          (res) => {
            const subject = res.socket.getPeerCertificate().subject; // (the socket is gone by 'end')
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode, body: text, subject }));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', reject);
        req.end();
      });
      if (status !== 200 || !/"pets":\s*\["rex"\]/.test(body)) throw new Error(`GET https://${domain}/pets → ${status} ${body.slice(0, 300)}`);
      if (subject?.CN !== domain) throw new Error(`the TLS listener presented ${JSON.stringify(subject)}`);
    });

    let clientCertId = '';
    await step('generate a client certificate and view its PEM', async () => {
      await byTest('nav-clientcertificates').click();
      await byTest('client-certificates-page').waitFor();
      await byTest('generate-client-certificate').click();
      await byTest('generate-client-certificate-dialog').getByLabel('Description').fill('backend identity');
      await byTest('generate-client-certificate-submit').click();
      const pem = byTest('client-certificate-pem');
      await expectText(pem.getByTestId('client-certificate-pem-text'), /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/);
      clientCertId = (await pem.locator('h2').innerText()).trim().split(/\s+/).pop();
      await page.screenshot({ path: path.join(artifacts, `${String(stepNo).padStart(2, '0')}-client-certificate-pem.png`) });
      await pem.getByLabel('Close').click();
      await expectText(byTest(`client-certificate-${clientCertId}`), /backend identity/);
    }, 'client-certificates');

    await step('the stage dev picks the client certificate', async () => {
      const apiId = invokeUrl.split('/')[4];
      await page.goto(`${base}/console/apis/${apiId}/stages/dev`);
      await byTest('stage-detail').waitFor();
      await byTest('stage-client-certificate').locator(`option[value="${clientCertId}"]`).waitFor({ state: 'attached' });
      await byTest('stage-client-certificate').selectOption(clientCertId);
      await byTest('save-client-certificate').click();
      await page.getByTestId('toast').filter({ hasText: `presents ${clientCertId}` }).first().waitFor();
      await page.reload();
      await byTest('stage-detail').waitFor();
      const until = Date.now() + STEP_TIMEOUT_MS;
      let value = '';
      while (Date.now() < until && (value = await byTest('stage-client-certificate').inputValue()) !== clientCertId) await sleep(100);
      if (value !== clientCertId) throw new Error(`after a reload the stage shows client certificate "${value}"`);
    }, 'stage-client-certificate');

    const fnName = `console-fn-${Date.now().toString(36)}`;
    await step('create a nodejs20.x function with inline code', async () => {
      await byTest('nav-functions').click();
      await byTest('functions-page').waitFor();
      await byTest('create-function').click();
      const dialog = byTest('create-function-dialog');
      await dialog.getByLabel('Function name').fill(fnName);
      await dialog.getByLabel('Runtime').selectOption('nodejs20.x');
      await dialog.getByLabel('Handler').fill('index.handler');
      await fillCode(dialog.getByTestId('create-function-code'), 'export const handler = async (e) => ({ hello: e.name ?? "world" })');
      await page.screenshot({ path: path.join(artifacts, `${String(stepNo).padStart(2, '0')}-create-function.png`) });
      await byTest('create-function-submit').click();
      await byTest('create-function-error').or(byTest('function-page')).first().waitFor();
      if (await byTest('create-function-error').isVisible()) throw new Error(`create failed: ${await byTest('create-function-error').innerText()}`);
      await expectText(byTest('function-name'), new RegExp(`^${fnName}$`));
      await expectText(byTest('function-code-editor'), /hello: e\.name/);
    }, 'function');

    await step('the test event runs and shows the result', async () => {
      await fillCode(byTest('test-event-editor'), '{"name": "portico"}');
      await byTest('invoke-function').click();
      await byTest('invoke-result').or(byTest('invoke-error')).first().waitFor({ timeout: INVOKE_TIMEOUT_MS });
      if (await byTest('invoke-error').isVisible()) throw new Error(`invoke failed: ${await byTest('invoke-error').innerText()}`);
      await expectText(byTest('invoke-status'), /Succeeded/);
      await expectText(byTest('invoke-payload'), /"hello":\s*"portico"/);
    }, 'function-test');

    await step("the function's monitoring tab charts its invocation and tails its log live", async () => {
      await page.getByRole('link', { name: 'Monitoring' }).click();
      await byTest('function-metrics').waitFor();
      await waitForTotal('chart-invocations', 'Invocations', 1);
      const reports = async () => ((await byTest('log-lines').innerText()).match(/REPORT RequestId/g) ?? []).length;
      await expectText(byTest('log-lines'), /REPORT RequestId/);
      const before = await reports();
      await byTest('log-live').check();
      execFileSync('/usr/bin/aws', ['--endpoint-url', base, 'lambda', 'invoke', '--function-name', fnName,
        '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"name": "tail"}', path.join(work, 'invoke-out.json')], {
        timeout: INVOKE_TIMEOUT_MS,
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_PAGER: '' },
      });
      for (const until = Date.now() + STEP_TIMEOUT_MS; (await reports()) <= before; await sleep(200)) {
        if (Date.now() > until) throw new Error(`the live tail never showed the new invocation's REPORT line`);
      }
    }, 'function-monitoring');

    const importedName = `imported-${Date.now().toString(36)}`;
    const openapi = [
      'openapi: 3.0.1',
      `info: {title: ${importedName}, version: "1"}`,
      'x-amazon-apigateway-frobnicate: true',
      'paths:',
      '  /hello:',
      '    get:',
      '      responses: {"200": {description: ok}}',
      '      x-amazon-apigateway-integration:',
      '        type: mock',
      '        requestTemplates: {application/json: \'{"statusCode": 200}\'}',
      '        responses: {default: {statusCode: "200", responseTemplates: {application/json: \'{"hello": "imported"}\'}}}',
      '',
    ].join('\n');
    await step('import an API from an OpenAPI document (warnings shown)', async () => {
      await byTest('nav-apis').click();
      await byTest('apis-page').waitFor();
      await byTest('import-api').click();
      await byTest('import-document').fill(openapi);
      await byTest('import-api-submit').click();
      await byTest('import-warnings').or(byTest('import-api-dialog').locator('.error')).first().waitFor();
      await expectText(byTest('import-warnings'), /x-amazon-apigateway-frobnicate/);
      await byTest('import-api-open').click();
      await expectText(byTest('api-name'), new RegExp(`^${importedName}$`));
      await byTest('resource-/hello').waitFor();
    }, 'api-imported');

    await step('the imported method tests 200 in the method view', async () => {
      await byTest('method-/hello-GET').click();
      await byTest('method-view').waitFor();
      await byTest('open-test').click();
      await byTest('test-panel').waitFor();
      await byTest('test-path').fill('/hello');
      await byTest('run-test').click();
      await byTest('test-result').or(byTest('test-error')).first().waitFor();
      if (await byTest('test-error').isVisible()) throw new Error(`test invoke failed: ${await byTest('test-error').innerText()}`);
      await expectText(byTest('test-status'), /^200$/);
      await expectText(byTest('test-body'), /"hello":\s*"imported"/);
    }, 'imported-method-test');

    await step('deploy the imported API and export its stage as OpenAPI', async () => {
      await byTest('deploy-api').click();
      const dialog = byTest('deploy-dialog');
      await dialog.getByLabel('Stage name').fill('dev');
      await byTest('deploy-submit').click();
      await byTest('stage-detail').waitFor();
      await byTest('export-type').selectOption('oas30');
      await byTest('export-as').selectOption('yaml');
      const download = page.waitForEvent('download', { timeout: STEP_TIMEOUT_MS });
      await byTest('export-stage').click();
      const file = await download;
      if (!/\.yaml$/.test(file.suggestedFilename())) throw new Error(`download named ${file.suggestedFilename()}`);
      const preview = await expectText(byTest('export-preview'), /openapi: "3\.0\.1"/);
      if (!preview.includes('/hello') || !preview.includes('x-amazon-apigateway-integration')) {
        throw new Error(`the export lacks the path or the integration: ${preview.slice(0, 500)}`);
      }
    }, 'imported-export');

    await step('log out', async () => {
      await byTest('logout').click();
      await byTest('login-form').waitFor();
      const res = await page.request.get(`${base}/console/api/session`);
      if (res.status() !== 401) throw new Error(`session after logout: ${res.status()}`);
    }, 'logged-out');

    current = 'page errors';
    if (pageErrors.length) throw new Error(`uncaught errors in the page: ${pageErrors.join(' | ')}`);
    console.log(`${stepNo} passed, 0 failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  } catch (e) {
    console.error(`FAIL at step ${stepNo} "${current}": ${e instanceof Error ? e.message : String(e)}`);
    if (page) await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true }).catch(() => {});
    const log = current === 'start portico' ? '' : tail(path.join(artifacts, 'portico.log'), 15);
    if (log) console.error(`--- portico.log (last lines) ---\n${log}`);
    console.log(`${Math.max(stepNo - 1, 0)} passed, 1 failed`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    if (context) await context.close().catch(() => {});
    for (const p of procs.reverse()) await stop(p);
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`FAIL: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
