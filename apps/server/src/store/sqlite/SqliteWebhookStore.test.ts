import { describeWebhookStore } from '../WebhookStore.contract.ts';
import { SqliteWebhookStore } from './SqliteWebhookStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeWebhookStore('SQLite', sqliteStoreHarness((db) => new SqliteWebhookStore(db)));
