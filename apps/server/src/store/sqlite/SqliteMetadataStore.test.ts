import { describeMetadataStore } from '../MetadataStore.contract.ts';
import { describeMetadataStoreReads } from '../MetadataStoreReads.contract.ts';
import { SqliteMetadataStore } from './SqliteMetadataStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describeMetadataStore('SQLite', sqliteStoreHarness((db) => new SqliteMetadataStore(db)));
describeMetadataStoreReads('SQLite', sqliteStoreHarness((db) => new SqliteMetadataStore(db)));
