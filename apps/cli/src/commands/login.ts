import { createInterface } from "node:readline/promises"
import type { Account } from "@keyrelay/account-store"
import type { OAuthIdentityToken, TokenSet } from "@keyrelay/pool-fetch"
import { findAccount } from "../_account-ref.ts"
import type { CommandHandler } from "../_commands.ts"
import type { Context } from "../_context.ts"
import { isoOrNull } from "../_format.ts"
import { JSON_SCHEMA_VERSION } from "../_json.ts"
import { startSpinner } from "../_spinner.ts"
import { CLI_ERROR_CODES, CliError } from "../cli-error.ts"
import { VERSION } from "../version.ts"

function oauthSourceOf(account: Account): OAuthIdentityToken {
  const credential = account.credential
  if (credential.kind !== "federation" || credential.identityToken.source !== "oauth") {
    throw new CliError(
      CLI_ERROR_CODES.LOGIN_FAILED,
      `${account.label} is ${credential.kind === "federation" ? `a federation account whose identity token comes from a ${credential.identityToken.source}` : `an ${credential.kind} account`}; \`keyrelay login\` signs in only for federation accounts added with --oidc-issuer and --oidc-client-id.`,
    )
  }
  return credential.identityToken
}

/** Reads one pasted line from the terminal until the sign-in finishes some other way. */
function pastedInput(ctx: Context) {
  return async (signal: AbortSignal): Promise<string> => {
    const rl = createInterface({
      input: ctx.stdin,
      output: ctx.stderr as unknown as NodeJS.WritableStream,
      terminal: false,
    })
    try {
      return await rl.question("", { signal })
    } finally {
      rl.close()
    }
  }
}

const login: CommandHandler = async (ctx, { positionals, values }) => {
  const store = await ctx.store()
  const account = findAccount(store, positionals[0]!)
  const source = oauthSourceOf(account)
  const { createFederationSignIn, isPoolFetchError, POOL_FETCH_ERROR_CODES } = await import(
    "@keyrelay/pool-fetch"
  )
  const signIn = createFederationSignIn({
    identityToken: source,
    fetch: ctx.fetch,
    now: ctx.now,
    host: `keyrelay-cli/${VERSION}`,
  })

  let tokens: TokenSet
  try {
    if (values.device === true) {
      const device = await signIn.startDevice()
      ctx.info(
        `To sign in to ${source.issuer}, open ${device.verificationUri} on any device and enter the code ${ctx.errStyle.bold(device.userCode)}.`,
      )
      if (device.verificationUriComplete)
        ctx.info(`Or open ${device.verificationUriComplete} (the code filled in).`)
      const spinner = startSpinner(ctx, "Waiting for the sign-in to be approved…")
      try {
        tokens = await device.poll()
      } finally {
        spinner.stop()
      }
    } else {
      tokens = await signIn.signIn({
        openBrowser: values["no-browser"] !== true,
        onAuthorizationUrl: ({ url, browserOpened }) => {
          ctx.info(
            browserOpened
              ? `Your browser should open to sign in to ${source.issuer}. If it does not, open:\n  ${url}`
              : `Open this address in a browser to sign in to ${source.issuer}:\n  ${url}`,
          )
          if (ctx.stdin.isTTY === true) {
            ctx.info(
              "If the browser is on another machine, paste the address it ends on (http://127.0.0.1/…) here and press Enter.",
            )
          }
        },
        ...(ctx.stdin.isTTY === true
          ? {
              readPastedInput: pastedInput(ctx),
              onPastedInputRejected: (error) => ctx.warn(`${error.message} Paste the whole address again.`),
            }
          : {}),
      })
    }
  } catch (error) {
    if (isPoolFetchError(error) && error.code === POOL_FETCH_ERROR_CODES.SIGN_IN_FAILED)
      throw new CliError(CLI_ERROR_CODES.LOGIN_FAILED, error.message, { cause: error })
    throw error
  }

  const saved = await signIn.save(store, account.id, tokens)
  if (ctx.flags.json) {
    ctx.printJson({
      version: JSON_SCHEMA_VERSION,
      account: { id: account.id, label: account.label },
      issuer: source.issuer,
      subject: saved.subject ?? null,
      refreshToken: saved.refreshToken,
      expiresAt: isoOrNull(saved.expiresAt),
    })
  } else {
    ctx.print(
      `Signed in to ${source.issuer}${saved.subject ? ` as ${saved.subject}` : ""}; saved for ${account.label}.`,
    )
    if (!saved.refreshToken) {
      ctx.warn(
        "the provider gave no refresh token, so you will need to sign in again when this one expires (ask for offline_access).",
      )
    }
    ctx.print(
      `Next: \`keyrelay test ${account.label}\` exchanges it for an Anthropic token and proves the account.`,
    )
  }
  return 0
}
export default login
