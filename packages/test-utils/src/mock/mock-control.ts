import { TEST_UTILS_ERROR_CODES, TestUtilsError } from "../test-utils-error.ts"
import type { MockCredential, MockReply, MockScenario, MockState } from "./mock-config.ts"
import type { MockEngine } from "./mock-engine.ts"

/**
 * A control operation, as plain JSON: what the in-process methods do, sendable to a mock running as a
 * separate process with `POST /_mock/control`.
 */
export type MockControlOp =
  | { op: "script"; scenarios: MockScenario[] }
  | { op: "clear-scenarios" }
  | { op: "pending-scenarios" }
  | { op: "set-reply"; reply?: MockReply }
  | {
      op: "set-state"
      credential?: string
      organizationId?: string
      workspaceId?: string
      state: MockState
      deniedModels?: string[]
    }
  | { op: "add-credential"; credential: MockCredential }
  | { op: "advance"; ms: number }
  | { op: "now" }
  | { op: "requests" }
  | { op: "clear-requests" }
  | { op: "rate-limits"; organizationId: string; model: string; workspaceId?: string }
  | { op: "reset" }

/** Applies one control operation and returns its JSON result (`{ ok: true }` when there is nothing to return). */
export function applyControl(engine: MockEngine, op: MockControlOp): unknown {
  switch (op?.op) {
    case "script":
      engine.script(Array.isArray(op.scenarios) ? op.scenarios : [op.scenarios])
      return { ok: true }
    case "clear-scenarios":
      engine.queue.clear()
      return { ok: true }
    case "pending-scenarios":
      return engine.queue.pending()
    case "set-reply":
      engine.reply = op.reply
      return { ok: true }
    case "set-state": {
      const target = {
        ...(op.credential !== undefined ? { credential: op.credential } : {}),
        ...(op.organizationId !== undefined ? { organizationId: op.organizationId } : {}),
        ...(op.workspaceId !== undefined ? { workspaceId: op.workspaceId } : {}),
      }
      engine.setState(target, op.state, op.deniedModels)
      return { ok: true }
    }
    case "add-credential":
      engine.addCredential(op.credential)
      return { ok: true }
    case "advance":
      engine.clock.advance(op.ms)
      return { now: engine.clock.now() }
    case "now":
      return { now: engine.clock.now() }
    case "requests":
      return engine.log.entries
    case "clear-requests":
      engine.log.clear()
      return { ok: true }
    case "rate-limits":
      return engine.rateLimits(op.organizationId, op.model, op.workspaceId)
    case "reset":
      engine.reset()
      return { ok: true }
    default:
      throw new TestUtilsError(
        TEST_UTILS_ERROR_CODES.INVALID_CONFIG,
        `unknown control operation ${JSON.stringify((op as { op?: unknown })?.op)}; see MockControlOp`,
      )
  }
}
