import type { ApiMessage } from "./build-message.ts"
import type { MockChunking, MockStreamFault } from "./mock-config.ts"

/** What the mock decided to answer, before a byte is written. */
export type ResponsePlan =
  | {
      type: "error"
      status: number
      errorType: string
      message: string
      details?: Record<string, unknown>
      headers?: Record<string, string>
      /** Send `anthropic-organization-id` / `anthropic-workspace-id` (only once authenticated). */
      identified: boolean
      scenario?: string
    }
  | {
      type: "json"
      status: number
      body: unknown
      headers?: Record<string, string>
      identified: boolean
      scenario?: string
    }
  | {
      type: "message"
      message: ApiMessage
      stream: boolean
      fault: MockStreamFault
      chunking: MockChunking | false
      headers: Record<string, string>
      scenario?: string
    }
  | { type: "redirect"; status: number; location: string; scenario?: string }
  | { type: "reset"; scenario?: string }
  | { type: "hang"; scenario?: string }
