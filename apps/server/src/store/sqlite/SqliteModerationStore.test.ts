import { describeModerationStore } from '../ModerationStore.contract.ts';
import { SqliteModerationStore } from './SqliteModerationStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeModerationStore('SQLite', sqliteStoreHarness((db) => new SqliteModerationStore(db)));
