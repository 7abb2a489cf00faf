// Production build of the server: one ESM bundle (dist/main.js) with a source map, run by
// `node --enable-source-maps`, and a second for a voice node process (dist/voice.js, `npm run
// voice`). The workspace packages (@concord/*) export TypeScript source, so they are bundled;
// every other package stays an import resolved from node_modules at run time (native addons such as
// uWebSockets.js, better-sqlite3 and @node-rs/argon2 cannot be bundled at all).
// The output sits at the same depth as src/, so paths that Server.ts derives from import.meta.url
// (the web client at ../../desktop/dist/web) resolve the same from either.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const serverDir = path.dirname(fileURLToPath(import.meta.url));

/** Bare specifiers are external, except our own workspace packages. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@concord/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Bundles src/main.ts (and src/voice/voiceMain.ts as voice.js) into `outdir` (default
 * apps/server/dist) and returns the path of the main entry file. `outdir` should stay one level
 * below apps/server so import.meta.url-relative paths hold.
 */
export async function buildServer({ outdir = path.join(serverDir, 'dist'), logLevel = 'warning' } = {}) {
  const outfile = path.join(outdir, 'main.js');
  await build({
    entryPoints: { main: path.join(serverDir, 'src/main.ts'), voice: path.join(serverDir, 'src/voice/voiceMain.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Stack traces need only the mappings; the sources are in the repository next to the build.
    sourcesContent: false,
    // Error and class names appear in logs; keep them as written.
    keepNames: true,
    plugins: [externalDependencies],
    logLevel,
  });
  return outfile;
}

// `node build.mjs [outdir]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const startedMs = performance.now();
  const outdir = process.argv[2];
  const outfile = await buildServer(outdir ? { outdir: path.resolve(outdir) } : {});
  console.log(`built ${path.relative(process.cwd(), outfile)} in ${Math.round(performance.now() - startedMs)} ms`);
}
