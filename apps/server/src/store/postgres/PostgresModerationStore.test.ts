import { describeModerationStore } from '../ModerationStore.contract.ts';
import { PostgresModerationStore } from './PostgresModerationStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describeModerationStore('PostgreSQL', postgresStoreHarness((db) => new PostgresModerationStore(db)));
