import type { MockBehaviour, MockMatch, MockScenario } from "./mock-config.ts"
import { modelMatches } from "./model-catalogue.ts"

/** What a request offers to be matched against. */
export interface MatchSubject {
  path: string
  credential?: string
  organizationId?: string
  workspaceId?: string
  model?: string
  stream?: boolean
}

/** A scenario that applied to a request: its behaviour and the name the log shows. */
export interface AppliedScenario {
  name: string
  respond: MockBehaviour
}

interface Entry {
  scenario: MockScenario
  skipLeft: number
  timesLeft: number
}

function matches(m: MockMatch | undefined, s: MatchSubject): boolean {
  const path = m?.path ?? "/v1/messages"
  if (path !== "*" && path !== s.path) return false
  if (!m) return true
  if (m.credential !== undefined && m.credential !== s.credential) return false
  if (m.organizationId !== undefined && m.organizationId !== s.organizationId) return false
  if (m.workspaceId !== undefined && m.workspaceId !== s.workspaceId) return false
  if (m.model !== undefined && (s.model === undefined || !modelMatches(m.model, s.model))) return false
  if (m.stream !== undefined && m.stream !== Boolean(s.stream)) return false
  return true
}

/** The default log name of a scenario: its kind, and the error name for errors. */
export function scenarioName(s: MockScenario): string {
  if (s.name) return s.name
  return s.respond.kind === "error" ? `error:${s.respond.error}` : s.respond.kind
}

/**
 * Queued scenarios, first in first served: the first one whose `match` fits the request and whose
 * `skip` is used up applies and loses one of its `times`.
 */
export class ScenarioQueue {
  private entries: Entry[] = []

  add(scenarios: readonly MockScenario[]): void {
    for (const scenario of scenarios) {
      const times = scenario.times ?? 1
      this.entries.push({
        scenario,
        skipLeft: scenario.skip ?? 0,
        timesLeft: times === "always" ? Number.POSITIVE_INFINITY : times,
      })
    }
  }

  /**
   * Finds the scenario for this request among those `accept` allows (those that answer before the
   * reply is built, or those that shape the reply). Nothing changes until `commit()`: a request that
   * is refused before its answer neither uses a scenario's `times` nor its `skip`.
   */
  find(
    subject: MatchSubject,
    accept: (b: MockBehaviour) => boolean,
  ): { applied: AppliedScenario | undefined; commit(): void } {
    const skipped: Entry[] = []
    for (const e of this.entries) {
      if (!accept(e.scenario.respond) || !matches(e.scenario.match, subject)) continue
      if (e.skipLeft > 0) {
        skipped.push(e)
        continue
      }
      return {
        applied: { name: scenarioName(e.scenario), respond: e.scenario.respond },
        commit: () => {
          for (const s of skipped) s.skipLeft--
          e.timesLeft--
          if (e.timesLeft <= 0) this.entries = this.entries.filter((x) => x !== e)
        },
      }
    }
    return {
      applied: undefined,
      commit: () => {
        for (const s of skipped) s.skipLeft--
      },
    }
  }

  /** Scenarios still queued (with their remaining counts), for assertions. */
  pending(): MockScenario[] {
    return this.entries.map((e) => ({
      ...e.scenario,
      skip: e.skipLeft,
      times: e.timesLeft === Number.POSITIVE_INFINITY ? "always" : e.timesLeft,
    }))
  }

  clear(): void {
    this.entries = []
  }
}
