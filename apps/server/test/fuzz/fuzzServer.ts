// The server under fuzz, as its own process so that a crash is observed (and the request that
// caused it named) instead of taking the test runner down. It starts like `npm start` on the
// environment it is given and reports its URL and its REST route table to the parent over IPC.
import { HttpServer } from '../../src/http/HttpServer.ts';
import type { RouteDef } from '../../src/http/Route.ts';
import { startServer } from '../../src/index.ts';

// HttpServer keeps its router private, so the table is read where Server.ts hands it over:
// every addRoutes() call is recorded and passed through unchanged. Whatever Server.ts registers
// is fuzzed, with no second copy of its composition here.
const registered: RouteDef[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with each server as `this` below
const addRoutes = HttpServer.prototype.addRoutes;
HttpServer.prototype.addRoutes = function (this: HttpServer, routes: readonly RouteDef[]): void {
  registered.push(...routes);
  addRoutes.call(this, routes);
};

const server = await startServer();
const routes = registered.map((r) => ({ method: r.method, path: r.path, auth: r.auth, multipart: r.multipart === true }));
process.send?.({ kind: 'ready', url: server.url, routes });
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
