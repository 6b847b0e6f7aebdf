/**
 * Workflow `concurrency:` as GitHub runs it ("Control the concurrency of workflows and jobs"): in a
 * group at most one run is running and one is pending; when another run joins, the pending one is
 * cancelled, and (without cancel-in-progress) the running one goes on. Groups are per repository.
 */
export class ConcurrencyGroups {
  private readonly groups = new Map<
    string,
    { running: number; pending?: { id: number; admit: (ok: boolean) => void } }
  >();

  /** Waits for the group to be free: true when the run may start, false when a newer run cancelled it. */
  enter(repo: string, group: string, runId: number): Promise<boolean> {
    const key = `${repo.toLowerCase()}\n${group}`;
    const slot = this.groups.get(key);
    if (!slot) {
      this.groups.set(key, { running: runId });
      return Promise.resolve(true);
    }
    slot.pending?.admit(false);
    return new Promise((resolve) => {
      slot.pending = {
        id: runId,
        admit: (ok) => {
          if (ok) slot.running = runId;
          resolve(ok);
        },
      };
    });
  }

  /** The running run of the group ended: the pending one, if any, starts. */
  leave(repo: string, group: string, runId: number): void {
    const key = `${repo.toLowerCase()}\n${group}`;
    const slot = this.groups.get(key);
    if (!slot || slot.running !== runId) return;
    const next = slot.pending;
    if (!next) {
      this.groups.delete(key);
      return;
    }
    delete slot.pending;
    next.admit(true);
  }
}
