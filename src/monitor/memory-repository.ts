import type { CollectedItem, MonitorRepository, SourceFailure, SourceState } from "./poller.ts";

/** The repository port kept in memory: for tests, benchmarks and one-off runs without a database. */
export class MemoryMonitorRepository implements MonitorRepository {
  readonly sources = new Map<string, SourceState>();
  readonly items: CollectedItem[] = [];
  readonly failures: { sourceId: string; failure: SourceFailure }[] = [];
  private readonly keys = new Set<string>();

  add(source: Omit<SourceState, "consecutiveFailures" | "enabled" | "intervalMinutes"> & Partial<SourceState>): SourceState {
    const s: SourceState = { intervalMinutes: 30, enabled: true, consecutiveFailures: 0, ...source };
    this.sources.set(s.id, s);
    return s;
  }

  async dueSources(now: Date): Promise<SourceState[]> {
    return [...this.sources.values()].filter((s) => s.enabled && (!s.nextPollAt || Date.parse(s.nextPollAt) <= now.getTime())).map((s) => ({ ...s }));
  }

  async updateSource(id: string, patch: Partial<Omit<SourceState, "id">>): Promise<void> {
    const s = this.sources.get(id);
    if (s) this.sources.set(id, { ...s, ...patch });
  }

  async recordFailure(sourceId: string, failure: SourceFailure): Promise<void> {
    this.failures.push({ sourceId, failure });
  }

  async addItems(items: CollectedItem[]): Promise<CollectedItem[]> {
    const stored: CollectedItem[] = [];
    for (const it of items) {
      const k = `${it.sourceId}\u0000${it.key}`;
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      this.items.push(it);
      stored.push(it);
    }
    return stored;
  }
}
