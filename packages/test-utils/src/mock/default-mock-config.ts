import type { MockConfig } from "./mock-config.ts"

/**
 * The config the mock starts with when given none: two organizations ("Work", with a CI workspace whose
 * limits are lower, and "Personal") and three fake keys, two of which share the Work organization's
 * limits. The keys are fake and safe to print.
 *
 * @example
 * ```ts
 * const mock = await startMockAnthropic(defaultMockConfig())
 * ```
 */
export function defaultMockConfig(): MockConfig {
  return {
    organizations: [
      {
        id: "11111111-1111-4111-8111-111111111111",
        name: "Work",
        defaultWorkspaceId: "wrkspc_01WorkDefault",
        workspaces: [
          {
            id: "wrkspc_01WorkCI",
            name: "CI",
            limits: { default: { requestsPerMinute: 50, outputTokensPerMinute: 40_000 } },
          },
        ],
      },
      {
        id: "22222222-2222-4222-8222-222222222222",
        name: "Personal",
        defaultWorkspaceId: "wrkspc_01Personal",
      },
    ],
    credentials: [
      {
        label: "work",
        apiKey: "sk-ant-api03-test-work-0000000000000000000000000000",
        organizationId: "11111111-1111-4111-8111-111111111111",
      },
      {
        label: "work-ci",
        apiKey: "sk-ant-api03-test-work-ci-00000000000000000000000000",
        organizationId: "11111111-1111-4111-8111-111111111111",
        workspaceId: "wrkspc_01WorkCI",
      },
      {
        label: "personal",
        apiKey: "sk-ant-api03-test-personal-000000000000000000000000",
        organizationId: "22222222-2222-4222-8222-222222222222",
      },
    ],
  }
}
