// Builds the renderer as the web client (`dist/web`, served by the server at `/`); Electron loads
// the same build. In dev, /api, /attachments and the gateway websocket are proxied to a local server.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
const backend = process.env['CONCORD_DEV_BACKEND'] ?? 'http://127.0.0.1:8080';

/** The React dev preamble is an inline script: relax the CSP for `vite` (dev) only, never for the build. */
const devCspRelax = {
  name: 'concord-dev-csp',
  apply: 'serve' as const,
  transformIndexHtml: (html: string) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
};

export default defineConfig({
  root,
  // Relative asset URLs: the same build works served by the server at / and loaded from file://
  // by Electron. (The server maps nested paths such as /invite/x/assets/... back to /assets/.)
  base: './',
  plugins: [react(), devCspRelax],
  build: {
    outDir: path.join(root, 'dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/attachments': { target: backend, changeOrigin: true },
      '/gateway': { target: backend.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
});
