// Test support for the store contract suites (*.contract.ts), not used by the server.
// What every store contract suite is given by an adapter's test file: a fresh, empty store on its
// own storage, a way to close it and open the same storage again (what survives is what the port
// promises to keep), and a cleanup. SQLite passes a temp file; Cassandra/PostgreSQL a keyspace/schema.

export interface StoreHarness<Store> {
  /** The open store; replaced by `reopen`. */
  readonly store: Store;
  /** Closes the store and opens a new one on the same storage. */
  reopen(): Promise<Store>;
  /** Closes whatever is open and removes the storage. */
  dispose(): Promise<void>;
}

export type OpenStoreHarness<Store> = () => Promise<StoreHarness<Store>>;

/**
 * Runs `body` on a fresh harness and disposes it afterwards, also when an assertion fails, so a
 * failing test leaves no open database or temp directory behind.
 */
export async function withStore<Store>(open: OpenStoreHarness<Store>, body: (h: StoreHarness<Store>) => Promise<void>): Promise<void> {
  const harness = await open();
  try {
    await body(harness);
  } finally {
    await harness.dispose();
  }
}
