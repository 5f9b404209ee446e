import { redactSecret } from "@keyrelay/account-store"

const MAX_SHOWN = 400
// Anthropic keys and tokens, JWTs, and any other long run of token characters.
const SECRET_LIKE =
  /sk-ant-[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*|[A-Za-z0-9+_-]{32,}/g

/**
 * Text from outside keyrelay (a command's stderr, an SDK's error message) as a user may see it: one line, at most
 * 400 characters, with the given secrets and anything that looks like a key, a token or a long opaque string
 * redacted (`sk-ant-…abcd`).
 */
export function safeText(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join(redactSecret(secret))
  out = out
    .replace(SECRET_LIKE, (match) => redactSecret(match))
    .replace(/\s+/g, " ")
    .trim()
  return out.length > MAX_SHOWN ? `${out.slice(0, MAX_SHOWN)}…` : out
}
