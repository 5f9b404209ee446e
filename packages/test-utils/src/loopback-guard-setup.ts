// Vitest setup file shared by every package (see vitest.shared.ts at the repo root).
import { afterEach } from "vitest"
import { installLoopbackGuard, takeNonLoopbackAttempts } from "./loopback-guard.ts"

installLoopbackGuard()

afterEach(() => {
  const attempts = takeNonLoopbackAttempts()
  if (attempts.length > 0) {
    const list = attempts
      .map((a) => `${a.via} ${a.host}${a.port === undefined ? "" : `:${a.port}`}`)
      .join(", ")
    throw new Error(
      `this test tried to reach non-loopback addresses (${list}); tests may only reach 127.0.0.1`,
    )
  }
})
