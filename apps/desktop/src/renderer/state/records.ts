// Copies of the stores' id-keyed records without some keys. Stores replace a record instead of
// mutating it (zustand subscribers compare by reference), so removal builds a new object.

/** A copy of `record` without `key`; the other entries keep their order. */
export function withoutKey<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

/** A copy of `record` without the entries `drop` picks; the others keep their order. */
export function withoutEntries<V>(record: Readonly<Record<string, V>>, drop: (value: V, key: string) => boolean): Record<string, V> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => !drop(value, key)));
}
