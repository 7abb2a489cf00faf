// `npm run cassandra`: Apache Cassandra for development on this machine (see devCassandra.ts).
// Resolves the jars once, starts one node on 127.0.0.1 (CQL on CASSANDRA_PORT, default 9042; data in
// CASSANDRA_DATA_DIR, default ./data/cassandra), waits until CQL answers, prints how long each step
// took, and stops the node on Ctrl+C / SIGTERM. Point the server at it with MESSAGE_STORE=cassandra.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CASSANDRA_VERSION, ensureDevCassandra } from './devCassandra.ts';

const Env = z.object({
  CASSANDRA_PORT: z.coerce.number().int().min(1).max(65535).default(9042),
  CASSANDRA_STORAGE_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  CASSANDRA_DATA_DIR: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  CASSANDRA_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/, 'a release such as 5.0.9').default(DEFAULT_CASSANDRA_VERSION),
  CASSANDRA_HEAP_MB: z.coerce.number().int().min(256).max(65536).default(1024),
});

async function main(): Promise<number> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(`Invalid configuration in the environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  const env = parsed.data;
  const say = (line: string) => process.stderr.write(`cassandra: ${line}\n`);
  const node = await ensureDevCassandra({
    port: env.CASSANDRA_PORT,
    ...(env.CASSANDRA_STORAGE_PORT === undefined ? {} : { storagePort: env.CASSANDRA_STORAGE_PORT }),
    dataDir: env.CASSANDRA_DATA_DIR ?? path.join(env.DATA_DIR, 'cassandra'),
    version: env.CASSANDRA_VERSION,
    heapMaxMb: env.CASSANDRA_HEAP_MB,
    log: say,
  });
  if (!node.startedHere) {
    say(`Cassandra ${node.releaseVersion} already answers CQL at ${node.contactPoint}; nothing to start`);
    return 0;
  }
  const resolved = node.timings.resolveMs === null ? 'jars cached' : `jars resolved in ${(node.timings.resolveMs / 1000).toFixed(1)} s`;
  say(`Cassandra ${node.releaseVersion} answers CQL at ${node.contactPoint} (${resolved}; JVM start to CQL in ${((node.timings.startMs ?? 0) / 1000).toFixed(1)} s)`);
  say(`use it: MESSAGE_STORE=cassandra CASSANDRA_CONTACT_POINTS=${node.contactPoint} npm start   (Ctrl+C stops Cassandra)`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      stopping = true;
      say(`${signal}: stopping Cassandra`);
      void node.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    node.process?.once('exit', (code, signal) => {
      if (stopping) return;
      say(`Cassandra exited on its own (${signal ?? `code ${code ?? '?'}`}); see its logs under the data directory`);
      resolve(code ?? 1);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cassandra: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
