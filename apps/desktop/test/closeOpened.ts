// Teardown for suites that open several resources in one beforeAll (server, browser, cache).

/**
 * Closes what a suite's beforeAll opened, in order. When that beforeAll failed part-way, the
 * later variables were never assigned (although they are typed as set), so those are skipped:
 * the hook's own failure is the one worth reading, not a TypeError from the teardown.
 */
export async function closeOpened(...resources: readonly ({ close(): unknown } | undefined)[]): Promise<void> {
  for (const resource of resources) await resource?.close();
}
