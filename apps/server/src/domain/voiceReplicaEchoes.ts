// Which of a process's own replica messages it must apply when they come back through the log (voice
// states, calls). A process applies its own change at once; reading it back is a no-op unless
// another process wrote the same key in between (then the log's order must win, so every process
// ends equal), and it is skipped while an own newer write of that key is still in flight (no
// flicker back to an older value). StateReplicator does the same for metadata.
export class ReplicaEchoes {
  /** Key -> own publications not yet read back. */
  private readonly pending = new Map<string, number>();
  /** Keys another process wrote while an own write was in flight. */
  private readonly overtaken = new Set<string>();

  constructor(private readonly self: string) {}

  /** An own write of `key` is being published. */
  sent(key: string): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** Whether an own write of `key` is in flight (a snapshot must not overwrite it). */
  inFlight(key: string): boolean {
    return this.pending.has(key);
  }

  /** True for a message that needs no applying: an own echo nobody overtook, or with a newer own write behind it. */
  skip(origin: string, key: string): boolean {
    if (origin !== this.self) {
      if (this.pending.has(key)) this.overtaken.add(key);
      return false;
    }
    const left = (this.pending.get(key) ?? 1) - 1;
    if (left > 0) {
      this.pending.set(key, left);
      return true;
    }
    this.pending.delete(key);
    return !this.overtaken.delete(key);
  }
}
