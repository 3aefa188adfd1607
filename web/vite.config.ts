// Vite config for the Portico console. The build is served by Portico's management
// listener under /console/ (see README.md); `npm run dev` proxies the API to a running
// Portico (PORTICO_ADMIN, default 127.0.0.1:4566) so the session cookie stays same-origin.
import { defineConfig } from 'vite';

// Node's process, declared here so the config type-checks without @types/node.
declare const process: { env: Record<string, string | undefined> };

const admin = process.env.PORTICO_ADMIN ?? '127.0.0.1:4566';
const target = `http://${admin}`;
// Every path the console calls besides its own files: the session API and the AWS routes.
const proxied = ['/console/api', '/restapis', '/apikeys', '/usageplans', '/2015-03-31', '/_portico'];

export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(proxied.map((p) => [p, { target, changeOrigin: false }])),
  },
});
