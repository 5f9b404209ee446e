import { VERSION } from "@keyrelay/request-rewrite"

/** keyrelay's user-agent for its own calls (token exchanges, identity providers), after the host's product. */
export function keyrelayUserAgent(host: string | undefined): string {
  return `${host ? `${host} ` : ""}keyrelay/${VERSION}`
}
