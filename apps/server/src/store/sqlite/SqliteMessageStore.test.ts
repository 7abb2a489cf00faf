import { describeMessageStore } from '../MessageStore.contract.ts';
import { SqliteMessageStore } from './SqliteMessageStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeMessageStore('SQLite', sqliteStoreHarness((db) => new SqliteMessageStore(db)));
