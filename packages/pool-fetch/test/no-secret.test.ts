// Never leak: every event, error (and its cause chain), synthetic response and credential diagnostic the pool
// produces is searched for sentinel secrets, across the paths that handle them (a revoked key, a command whose
// stderr echoes its key, a missing variable, every account out, a broken stream).
import { inspect } from "node:util"
import { afterEach, describe, expect, it, vi } from "vitest"
import { ORG_A, ORG_B, type Pool, send, startPool } from "./_pool.ts"

const SENTINEL = "sk-ant-api03-test-SENTINEL0secret0do0not0print0000"
const SENTINEL_STDERR = "sk-ant-api03-test-STDERR0sentinel0never0shown00000"
const SECRETS = [SENTINEL, SENTINEL_STDERR, "SENTINEL0secret", "STDERR0sentinel"]

let fixture: Pool | undefined
afterEach(async () => {
  await fixture?.close()
  fixture = undefined
})

function everything(value: unknown): string {
  return `${inspect(value, { depth: 8, showHidden: true })}\n${JSON.stringify(value, (_key, v) => (v instanceof Error ? { message: v.message, cause: v.cause } : v))}`
}

describe("no secret in anything the pool emits", () => {
  it("across failures, events, errors and diagnostics", async () => {
    vi.stubEnv("KEYRELAY_TEST_STDERR_SECRET", SENTINEL_STDERR)
    fixture = await startPool({ learned: true, labels: ["b1"], pool: { waitBudgetMs: 0 } })
    const { pool, store, mock, events } = fixture
    const emitted: unknown[] = []
    mock.addCredential({ label: "sentinel", apiKey: SENTINEL, organizationId: ORG_A, state: "revoked" })
    await store.addAccount({
      label: "sentinel",
      credential: { kind: "api-key", key: SENTINEL },
      baseUrl: mock.url,
      priority: -2,
    })
    await store.addAccount({
      label: "echoing-vault",
      credential: {
        kind: "command",
        command: 'echo "$KEYRELAY_TEST_STDERR_SECRET" >&2; exit 3',
        ttlSeconds: 60,
        timeoutMs: 5000,
      },
      baseUrl: mock.url,
      priority: -1,
    })
    await store.addAccount({
      label: "env",
      credential: { kind: "env", variable: "KEYRELAY_TEST_UNSET_VARIABLE" },
      baseUrl: mock.url,
      priority: -1,
    })
    // Revoked sentinel → disabled; the command fails and echoes; the variable is missing; b1 serves.
    const served = await send(pool)
    emitted.push(served.status, [...served.headers], await served.text())
    // A broken stream.
    mock.script({ respond: { kind: "reply", errorAfterEvents: 2 } })
    emitted.push(
      await (
        await send(pool, {
          model: "claude-sonnet-4-5",
          max_tokens: 8,
          messages: [{ role: "user", content: "x" }],
          stream: true,
        })
      ).text(),
    )
    // Every account out: keyrelay's own 429.
    mock.setState({ organizationId: ORG_B }, "spend-cap")
    const none = await send(pool)
    emitted.push(none.status, [...none.headers], await none.text())
    // Thrown errors and diagnostics.
    for (const account of store.listAccounts()) {
      emitted.push(await pool.resolveCredential(account.id).catch((error: unknown) => error))
      emitted.push(await pool.testAccount(account.id).catch((error: unknown) => error))
    }
    emitted.push(pool.explain())
    await pool.flush()
    emitted.push(store.listAccounts(), store.state)

    const text = everything([events, emitted])
    for (const secret of SECRETS) expect(text).not.toContain(secret)
    // The paths were really taken.
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["account-disabled", "credential-failed", "stream-failed", "no-account"]),
    )
    expect(text).toContain("exited with 3")
    expect(text).toContain("KEYRELAY_TEST_UNSET_VARIABLE is not set")
    expect(text).toContain("sk-ant-…")
  })
})
