import { describeApplicationStore } from '../ApplicationStore.contract.ts';
import { SqliteApplicationStore } from './SqliteApplicationStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeApplicationStore('SQLite', sqliteStoreHarness((db) => new SqliteApplicationStore(db)));
