// The server under fuzz, as its own process so that a crash is observed (and the request that
// caused it named) instead of taking the test runner down. It starts like `npm start` on the
// environment it is given and reports its URL and its REST route table to the parent over IPC.
import { startServer } from '../../src/index.ts';
import { botPlatformRoutes } from '../../src/BotPlatform.ts';
import { authRoutes } from '../../src/http/routes/authRoutes.ts';
import { channelRoutes } from '../../src/http/routes/channelRoutes.ts';
import { guildRoutes } from '../../src/http/routes/guildRoutes.ts';
import { relationshipRoutes } from '../../src/http/routes/relationshipRoutes.ts';
import { RelationshipService } from '../../src/domain/RelationshipService.ts';

const server = await startServer();
const s = server.services;
// The same composition as Server.ts (HttpServer keeps its router private; see the fuzz README note
// in restFuzz.test.ts). Building the factories again only creates closures over the same services.
const routes = [...authRoutes(s), ...botPlatformRoutes(s, [...guildRoutes(s), ...channelRoutes(s)]), ...relationshipRoutes(new RelationshipService(s.ctx))].map((r) => ({
  method: r.method,
  path: r.path,
  auth: r.auth,
  multipart: r.multipart === true,
}));
process.send?.({ kind: 'ready', url: server.url, routes });
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
