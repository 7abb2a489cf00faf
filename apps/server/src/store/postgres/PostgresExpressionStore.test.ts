import { describeExpressionStore } from '../ExpressionStore.contract.ts';
import { PostgresExpressionStore } from './PostgresExpressionStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describeExpressionStore('PostgreSQL', postgresStoreHarness((db) => new PostgresExpressionStore(db)));
