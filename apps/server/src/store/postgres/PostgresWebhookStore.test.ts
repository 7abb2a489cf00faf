import { describeWebhookStore } from '../WebhookStore.contract.ts';
import { PostgresWebhookStore } from './PostgresWebhookStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describeWebhookStore('PostgreSQL', postgresStoreHarness((db) => new PostgresWebhookStore(db)));
