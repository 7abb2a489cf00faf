// `npm start`: runs the server until SIGINT/SIGTERM. Startup errors end the process with a message
// that says what to fix.
import { startServer } from './Server.ts';

startServer()
  .then((server) => {
    const stop = (signal: string) => {
      server.log.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (e: unknown) => {
          server.log.error({ err: e }, 'error during shutdown');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  })
  .catch((e: unknown) => {
    console.error(`Concord failed to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
