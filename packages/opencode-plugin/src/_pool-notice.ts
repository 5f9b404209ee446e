import type { PoolEvent } from "@keyrelay/pool-fetch"
import type { Notice } from "./_toaster.ts"

/** A pool event as a toast notice: its level and sentence (the toast's title already says "keyrelay"). */
export function poolEventNotice(event: PoolEvent): Notice {
  const message = event.message.replace(/^keyrelay:\s*/, "")
  return event.type === "account-switched"
    ? { level: event.level, message, servingClass: event.modelClass }
    : { level: event.level, message }
}
