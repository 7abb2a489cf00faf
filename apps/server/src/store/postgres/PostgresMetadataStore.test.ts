import { describeMetadataStore } from '../MetadataStore.contract.ts';
import { describeMetadataStoreReads } from '../MetadataStoreReads.contract.ts';
import { PostgresMetadataStore } from './PostgresMetadataStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describeMetadataStore('PostgreSQL', postgresStoreHarness((db) => new PostgresMetadataStore(db)));
describeMetadataStoreReads('PostgreSQL', postgresStoreHarness((db) => new PostgresMetadataStore(db)));
