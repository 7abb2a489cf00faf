// Apache Cassandra for development and tests on this machine, without a package manager or Docker:
// cassandra-all and its dependencies come from Maven Central once (a generated pom, `mvn
// dependency:copy-dependencies` into ~/.cache/concord-cassandra/<version>/lib; later runs need no
// network), and the daemon runs on the machine's JDK 17 with the flags of Cassandra's own
// jvm17-server.options, a single-node cassandra.yaml on 127.0.0.1 and a small heap.
// Used by `npm run cassandra` (cassandra.ts) and the vitest global setup of the Cassandra tests.
import cassandra from 'cassandra-driver';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_CASSANDRA_VERSION = '5.0.9';

export interface DevCassandraOptions {
  /** CQL (native transport) port on 127.0.0.1. */
  port: number;
  /** Inter-node port; default port - 2042 (9042 -> 7000), so instances on different CQL ports do not collide. */
  storagePort?: number;
  /** Where this node keeps its data, commit log, configuration and logs. */
  dataDir: string;
  /** Where the resolved jars are kept between runs; default $XDG_CACHE_HOME or ~/.cache, /concord-cassandra. */
  cacheDir?: string;
  version?: string;
  heapMaxMb?: number;
  /** How long to wait for CQL to answer after the JVM starts. */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DevCassandra {
  contactPoint: string;
  /** false: something already answered CQL on the port and is used as it is. */
  startedHere: boolean;
  releaseVersion: string;
  /** Time to resolve the jars with Maven (null: they were cached) and from JVM start to a CQL answer. */
  timings: { resolveMs: number | null; startMs: number | null };
  /** The running JVM (only when startedHere), e.g. to follow its exit. */
  process: ChildProcess | null;
  /** Stops the node if this call started it (SIGTERM, then SIGKILL after 20 s); a reused node is left running. */
  stop(): Promise<void>;
}

/** Starts Cassandra on the port unless something there already answers CQL, and waits until it does. */
export async function ensureDevCassandra(options: DevCassandraOptions): Promise<DevCassandra> {
  const log = options.log ?? (() => undefined);
  const contactPoint = `127.0.0.1:${options.port}`;
  const running = await probeCql(options.port);
  if (running !== null) return reused(contactPoint, running);

  const cacheDir = options.cacheDir ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'concord-cassandra');
  fs.mkdirSync(cacheDir, { recursive: true });
  // Two starters on one port (npm run cassandra and a test run): the one holding the lock starts it,
  // the other waits for CQL and reuses it.
  const lock = path.join(cacheDir, `start-${options.port}.lock`);
  if (!takeLock(lock)) {
    log(`another process is starting Cassandra on ${contactPoint}; waiting for it`);
    const version = await waitForCql(options.port, options.startTimeoutMs ?? 180_000, null);
    return reused(contactPoint, version);
  }
  try {
    const version = options.version ?? DEFAULT_CASSANDRA_VERSION;
    const { libDir, resolveMs } = resolveJars(path.join(cacheDir, version), version, log);
    return await startNode({ ...options, contactPoint, libDir, resolveMs, log });
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function reused(contactPoint: string, releaseVersion: string): DevCassandra {
  return { contactPoint, startedHere: false, releaseVersion, timings: { resolveMs: null, startMs: null }, process: null, stop: () => Promise.resolve() };
}

function takeLock(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return false;
      fs.rmSync(file, { force: true }); // left by a process that died while starting
    }
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The jars of cassandra-all <version>, resolved with Maven into <dir>/lib once. */
function resolveJars(dir: string, version: string, log: (line: string) => void): { libDir: string; resolveMs: number | null } {
  const libDir = path.join(dir, 'lib');
  const marker = path.join(dir, 'resolved');
  if (fs.existsSync(marker) && fs.existsSync(path.join(libDir, `cassandra-all-${version}.jar`))) return { libDir, resolveMs: null };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), pomFor(version));
  const partial = path.join(dir, 'lib.partial');
  fs.rmSync(partial, { recursive: true, force: true });
  log(`resolving org.apache.cassandra:cassandra-all:${version} and its dependencies from Maven Central (once)`);
  const started = performance.now();
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (mvn.error) throw new Error(`could not run Maven (mvn): ${mvn.error.message}. Install Maven 3 (e.g. apt-get install maven) and a JDK 17.`);
  if (mvn.status !== 0) throw new Error(`Maven could not resolve cassandra-all ${version} (exit ${mvn.status}):\n${tail(mvn.stdout + mvn.stderr, 30)}`);
  fs.rmSync(libDir, { recursive: true, force: true });
  fs.renameSync(partial, libDir);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { libDir, resolveMs: Math.round(performance.now() - started) };
}

function pomFor(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>concord.dev</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

interface StartNodeOptions extends DevCassandraOptions {
  contactPoint: string;
  libDir: string;
  resolveMs: number | null;
  log: (line: string) => void;
}

async function startNode(o: StartNodeOptions): Promise<DevCassandra> {
  const dataDir = path.resolve(o.dataDir);
  const confDir = path.join(dataDir, 'conf');
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(confDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  fs.writeFileSync(path.join(confDir, 'cassandra.yaml'), cassandraYaml(dataDir, o.port, o.storagePort ?? o.port - 2042));
  fs.writeFileSync(path.join(confDir, 'logback.xml'), logbackXml(path.join(logDir, 'system.log')));
  const jamm = fs.readdirSync(o.libDir).find((f) => /^jamm-.*\.jar$/.test(f));
  const heapMaxMb = o.heapMaxMb ?? 1024;
  const args = [
    `-Xms${Math.min(512, heapMaxMb)}m`,
    `-Xmx${heapMaxMb}m`,
    '-Xss256k',
    ...JVM17_SERVER_OPTIONS,
    ...(jamm ? [`-javaagent:${path.join(o.libDir, jamm)}`] : []),
    '-XX:+ExitOnOutOfMemoryError',
    `-Dcassandra.config=file://${path.join(confDir, 'cassandra.yaml')}`,
    `-Dlogback.configurationFile=${path.join(confDir, 'logback.xml')}`,
    `-Dcassandra.logdir=${logDir}`,
    `-Dcassandra.storagedir=${dataDir}`,
    '-Dcassandra-foreground=yes',
    // A single development node: nobody to gossip with, and schema tables need no fsync.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=0',
    '-Dcassandra.unsafesystem=true',
    '-cp',
    path.join(o.libDir, '*'),
    'org.apache.cassandra.service.CassandraDaemon',
  ];
  const java = process.env['JAVA_HOME'] ? path.join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
  const out = fs.openSync(path.join(logDir, 'stdout.log'), 'w');
  const started = performance.now();
  const child = spawn(java, args, { cwd: dataDir, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`could not run ${java}: ${err.message} (install a JDK 17 or set JAVA_HOME)`));
    child.once('exit', (code, signal) => resolve(`the JVM exited (${signal ?? `code ${code ?? '?'}`})`));
  });
  o.log(`starting Cassandra on ${o.contactPoint} (pid ${child.pid ?? '?'}, data ${dataDir}, heap ${heapMaxMb} MB)`);
  let releaseVersion: string;
  try {
    releaseVersion = await waitForCql(o.port, o.startTimeoutMs ?? 180_000, exited);
  } catch (err) {
    await stopChild(child);
    const logs = [path.join(logDir, 'stdout.log'), path.join(logDir, 'system.log')].filter((f) => fs.existsSync(f)).map((f) => tail(fs.readFileSync(f, 'utf8'), 20));
    throw new Error(`Cassandra did not start on ${o.contactPoint}: ${err instanceof Error ? err.message : String(err)}\n${logs.join('\n')}`, { cause: err });
  }
  const startMs = Math.round(performance.now() - started);
  return {
    contactPoint: o.contactPoint,
    startedHere: true,
    releaseVersion,
    timings: { resolveMs: o.resolveMs, startMs },
    process: child,
    stop: () => stopChild(child),
  };
}

/** The module flags of Cassandra 5.0's conf/jvm17-server.options, plus its G1 and Netty settings. */
const JVM17_SERVER_OPTIONS = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=300',
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

function cassandraYaml(dataDir: string, port: number, storagePort: number): string {
  return `# Written by apps/server/scripts/devCassandra.ts: one development node on 127.0.0.1.
cluster_name: concord-dev
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${storagePort}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${storagePort}
native_transport_port: ${port}
start_native_transport: true
auto_bootstrap: false
data_file_directories: [${JSON.stringify(path.join(dataDir, 'data'))}]
commitlog_directory: ${JSON.stringify(path.join(dataDir, 'commitlog'))}
saved_caches_directory: ${JSON.stringify(path.join(dataDir, 'saved_caches'))}
hints_directory: ${JSON.stringify(path.join(dataDir, 'hints'))}
cdc_raw_directory: ${JSON.stringify(path.join(dataDir, 'cdc_raw'))}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
key_cache_size: 16MiB
# Test keyspaces come and go: no snapshot on DROP/TRUNCATE.
auto_snapshot: false
concurrent_reads: 8
concurrent_writes: 8
`;
}

function logbackXml(file: string): string {
  return `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${file}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/** release_version when CQL answers on 127.0.0.1:port, else null. */
export async function probeCql(port: number): Promise<string | null> {
  if (!(await portOpen(port))) return null;
  const client = new cassandra.Client({ contactPoints: [`127.0.0.1:${port}`], localDataCenter: 'datacenter1', socketOptions: { connectTimeout: 2000, readTimeout: 5000 } });
  try {
    const row = (await client.execute('SELECT release_version FROM system.local')).first();
    const version: unknown = row.get('release_version');
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return null; // not (yet) a CQL server that answers: the caller waits or starts one
  } finally {
    await client.shutdown();
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForCql(port: number, timeoutMs: number, exited: Promise<string> | null): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const state: { exitReason: string | null } = { exitReason: null };
  void exited?.then((reason) => (state.exitReason = reason));
  for (;;) {
    const version = await probeCql(port);
    if (version !== null) return version;
    if (state.exitReason !== null) throw new Error(state.exitReason);
    if (Date.now() > deadline) throw new Error(`no CQL answer on port ${port} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exit;
  clearTimeout(timer);
}

function tail(textBlock: string, lines: number): string {
  return textBlock.trimEnd().split('\n').slice(-lines).join('\n');
}
