import { describeExpressionStore } from '../ExpressionStore.contract.ts';
import { SqliteExpressionStore } from './SqliteExpressionStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeExpressionStore('SQLite', sqliteStoreHarness((db) => new SqliteExpressionStore(db)));
