import { describeApplicationStore } from '../ApplicationStore.contract.ts';
import { PostgresApplicationStore } from './PostgresApplicationStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describeApplicationStore('PostgreSQL', postgresStoreHarness((db) => new PostgresApplicationStore(db)));
