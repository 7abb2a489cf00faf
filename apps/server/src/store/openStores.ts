// Opens the storage the server runs on, chosen by configuration, and hands the composition root one
// object of ports. Each choice is a few lines here (METADATA_STORE, MESSAGE_STORE), so Server.ts
// does not know which engines are behind the ports.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { ApplicationStore } from './ApplicationStore.ts';
import type { ExpressionStore } from './ExpressionStore.ts';
import type { MessageStore } from './MessageStore.ts';
import type { MetadataStore } from './MetadataStore.ts';
import type { ModerationStore } from './ModerationStore.ts';
import type { PremiumStore } from './PremiumStore.ts';
import type { WebhookStore } from './WebhookStore.ts';
import { CassandraMessageStore } from './cassandra/CassandraMessageStore.ts';
import { PostgresApplicationStore } from './postgres/PostgresApplicationStore.ts';
import { PostgresDatabase, redactDatabaseUrl } from './postgres/PostgresDatabase.ts';
import { PostgresExpressionStore } from './postgres/PostgresExpressionStore.ts';
import { PostgresMetadataStore } from './postgres/PostgresMetadataStore.ts';
import { PostgresModerationStore } from './postgres/PostgresModerationStore.ts';
import { PostgresPremiumStore } from './postgres/PostgresPremiumStore.ts';
import { PostgresWebhookStore } from './postgres/PostgresWebhookStore.ts';
import { SqliteApplicationStore } from './sqlite/SqliteApplicationStore.ts';
import { openSqlite } from './sqlite/SqliteDatabase.ts';
import { SqliteExpressionStore } from './sqlite/SqliteExpressionStore.ts';
import { SqliteMessageStore } from './sqlite/SqliteMessageStore.ts';
import { SqliteMetadataStore } from './sqlite/SqliteMetadataStore.ts';
import { SqliteModerationStore } from './sqlite/SqliteModerationStore.ts';
import { SqlitePremiumStore } from './sqlite/SqlitePremiumStore.ts';
import { SqliteWebhookStore } from './sqlite/SqliteWebhookStore.ts';

export interface Stores {
  meta: MetadataStore;
  messages: MessageStore;
  applications: ApplicationStore;
  moderation: ModerationStore;
  webhooks: WebhookStore;
  expressions: ExpressionStore;
  premium: PremiumStore;
  /** Closes every database opened here; call it after the server stopped taking requests. */
  close(): Promise<void>;
}

/** The ports that live in the metadata database (everything but messages). */
type MetadataStores = Omit<Stores, 'messages' | 'close'>;

export async function openStores(config: Config, log: Logger): Promise<Stores> {
  // The SQLite file under DATA_DIR is opened in every case (the adapters left on SQLite use it).
  const sqlite = openSqlite(config.dataDir, config.sqliteSynchronous);
  const closers: (() => Promise<void>)[] = [];
  try {
    let metadata: MetadataStores;
    const m = config.metadataStore;
    switch (m.kind) {
      case 'sqlite':
        metadata = {
          meta: new SqliteMetadataStore(sqlite),
          applications: new SqliteApplicationStore(sqlite),
          moderation: new SqliteModerationStore(sqlite),
          webhooks: new SqliteWebhookStore(sqlite),
          expressions: new SqliteExpressionStore(sqlite),
          premium: new SqlitePremiumStore(sqlite),
        };
        break;
      case 'postgres': {
        const pg = await PostgresDatabase.open({
          url: m.url,
          poolSize: m.poolSize,
          schema: m.schema,
          // The pool drops a connection that failed while idle and opens another on the next query.
          onIdleError: (e) => log.warn({ err: e }, 'an idle PostgreSQL connection failed; the pool replaces it'),
        });
        closers.push(() => pg.close());
        log.info({ database: redactDatabaseUrl(m.url), schema: m.schema, poolSize: m.poolSize }, 'metadata on PostgreSQL');
        metadata = {
          meta: new PostgresMetadataStore(pg),
          applications: new PostgresApplicationStore(pg),
          moderation: new PostgresModerationStore(pg),
          webhooks: new PostgresWebhookStore(pg),
          expressions: new PostgresExpressionStore(pg),
          premium: new PostgresPremiumStore(pg),
        };
        break;
      }
      default:
        return m satisfies never;
    }
    let messages: MessageStore;
    const ms = config.messageStore;
    switch (ms.kind) {
      case 'sqlite':
        messages = new SqliteMessageStore(sqlite);
        break;
      case 'cassandra': {
        const { contactPoints, keyspace, localDataCenter, consistency } = ms.cassandra;
        const cassandra = await CassandraMessageStore.open(ms.cassandra);
        closers.push(() => cassandra.close());
        log.info({ contactPoints, keyspace, localDataCenter, consistency }, 'messages on Cassandra');
        messages = cassandra;
        break;
      }
      default:
        return ms satisfies never;
    }
    return {
      ...metadata,
      messages,
      async close() {
        for (const close of closers.splice(0)) await close();
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (e) {
    for (const close of closers.splice(0)) await close();
    if (sqlite.open) sqlite.close();
    throw e;
  }
}
