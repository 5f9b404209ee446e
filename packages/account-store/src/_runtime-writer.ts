import type { RuntimeState } from "./_runtime-state.ts"
import { type StateFile, stateFileSpec } from "./_state-file.ts"
import type { StoreFiles } from "./_store-files.ts"
import { usageFileSpec } from "./_usage-file.ts"
import type { StoreFileName } from "./account-store-api.ts"
import { addUsageInto, mergeStateInto, pruneState, pruneUsage } from "./merge-runtime-state.ts"

/** What merging runtime state into the files needs from the store. */
export interface RuntimeWriteContext {
  files: StoreFiles
  runtime: RuntimeState
  now: number
  isRemoved: (accountId: string) => boolean
}

/**
 * Under the lock: takes this process's pending batch, merges it into what is on disk now (state by rule, usage as
 * deltas), writes the files that changed, and rebases the in-memory view on the result. A failure puts back what
 * was not committed, so nothing is lost and no usage is counted twice. Returns the files written.
 */
export async function mergeRuntimeLocked(
  context: RuntimeWriteContext,
  options: { oldestDayKept: string; force: boolean; edit?: (state: StateFile) => void },
): Promise<StoreFileName[]> {
  const { files, runtime, now, isRemoved } = context
  const batch = runtime.take()
  const written: StoreFileName[] = []
  try {
    if (batch.hasState || options.edit || options.force) {
      const disk = (await files.load(stateFileSpec, true))!.data
      const memory = runtime.memory(now)
      mergeStateInto(disk, batch.state, memory)
      options.edit?.(disk)
      pruneState(disk, memory, isRemoved)
      await files.write(stateFileSpec, disk)
      batch.stateCommitted = true
      written.push("state.json")
      runtime.replaceState(disk)
    }
    if (batch.hasUsage || options.force) {
      const disk = (await files.load(usageFileSpec, true))!.data
      addUsageInto(disk.days, batch.usage)
      pruneUsage(disk.days, options.oldestDayKept, isRemoved)
      await files.write(usageFileSpec, disk)
      batch.usageCommitted = true
      written.push("usage.json")
      runtime.replaceUsage(disk, true)
    }
    runtime.settle(batch)
  } catch (error) {
    runtime.restore(batch)
    throw error
  }
  return written
}

/**
 * The synchronous last flush for `exit` handlers: pending changes, plus the uncommitted part of a batch whose
 * async flush was interrupted, merged and written under the lock. Files that cannot be read cleanly are skipped
 * (an exit handler is no place to move files aside).
 */
export function mergeRuntimeSync(context: RuntimeWriteContext, force: boolean): void {
  const { files, runtime, now, isRemoved } = context
  const inflight = runtime.inflight
  const pending = runtime.pending()
  const stateOpen = inflight?.hasState === true && !inflight.stateCommitted
  const usageOpen = inflight?.hasUsage === true && !inflight.usageCommitted
  const needState = pending.hasState || stateOpen
  const needUsage = pending.hasUsage || usageOpen
  if (!needState && !needUsage) return
  if (files.lock.held && !force) return
  const acquired = files.lock.acquireSync(2_000)
  try {
    if (needState) {
      const disk = files.loadSync(stateFileSpec)
      if (disk) {
        const memory = runtime.memory(now)
        if (stateOpen) mergeStateInto(disk.data, inflight!.state, memory)
        mergeStateInto(disk.data, pending.state, memory)
        pruneState(disk.data, memory, isRemoved)
        files.writeSync(stateFileSpec, disk.data)
      }
    }
    if (needUsage) {
      const disk = files.loadSync(usageFileSpec)
      if (disk) {
        if (usageOpen) addUsageInto(disk.data.days, inflight!.usage)
        addUsageInto(disk.data.days, pending.usage)
        files.writeSync(usageFileSpec, disk.data)
      }
    }
    if (inflight) {
      inflight.stateCommitted = true
      inflight.usageCommitted = true
    }
    runtime.clearPending()
  } finally {
    if (acquired) files.lock.release()
  }
}
