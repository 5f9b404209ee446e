// An HTTP client standing in for the user's browser: keeps cookies, follows redirects by hand, submits the hidden
// forms oidc-provider renders for the device flow. It reaches only 127.0.0.1.

/** What a visit ended on. */
export interface BrowserVisit {
  /** The last address visited (the "address bar"). */
  url: string
  status: number
  body: string
}

const HIDDEN_INPUT = /<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
}

/**
 * A user's browser for sign-in tests against {@link startOidcProvider}: cookies, redirects, forms.
 *
 * @example
 * await new Browser().visit(session.url) // signs in and consents; the loopback listener gets the code
 */
export class Browser {
  private readonly cookies = new Map<string, string>()

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";")
      const eq = pair.indexOf("=")
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some(
        (a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0\b/i.test(a.trim()),
      )
      if (expired || value === "") this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ")
  }

  /**
   * Visits `url` and follows redirects; stops before an address for which `stopAt` returns true and reports it
   * as `url` without visiting it (the user copying the address bar).
   */
  async visit(
    url: string,
    options: {
      method?: "GET" | "POST"
      form?: Record<string, string>
      stopAt?: (url: string) => boolean
    } = {},
  ): Promise<BrowserVisit> {
    let current = url
    let method = options.method ?? "GET"
    let body: string | undefined = options.form ? new URLSearchParams(options.form).toString() : undefined
    for (let hop = 0; hop < 20; hop++) {
      if (options.stopAt?.(current)) return { url: current, status: 0, body: "" }
      const response = await fetch(current, {
        method,
        redirect: "manual",
        headers: {
          cookie: this.cookieHeader(),
          ...(body !== undefined && { "content-type": "application/x-www-form-urlencoded" }),
        },
        ...(body !== undefined && { body }),
      })
      this.remember(response)
      const location = response.headers.get("location")
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer()
        current = new URL(location, current).href
        method = "GET"
        body = undefined
        continue
      }
      return { url: current, status: response.status, body: await response.text() }
    }
    throw new Error("too many redirects")
  }

  /** Submits the first form on a page with its hidden inputs (plus `extra`), as a user pressing its button. */
  async submitForm(page: BrowserVisit, extra: Record<string, string> = {}): Promise<BrowserVisit> {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1]
    if (!action) throw new Error(`no form on ${page.url}: ${page.body.slice(0, 200)}`)
    const form: Record<string, string> = {}
    for (const [, name, value] of page.body.matchAll(HIDDEN_INPUT))
      form[name as string] = unescapeHtml(value as string)
    return this.visit(new URL(unescapeHtml(action), page.url).href, {
      method: "POST",
      form: { ...form, ...extra },
    })
  }

  /** Approves (or denies) a device sign-in: enters the user code, confirms, and lets the provider finish. */
  async approveDevice(verificationUri: string, userCode: string, decision: "confirm" | "abort" = "confirm") {
    const prefilled = await this.visit(`${verificationUri}?user_code=${encodeURIComponent(userCode)}`)
    const confirmPage = await this.submitForm(prefilled)
    if (decision === "abort") {
      const { confirm: _ignored, ...rest } = Object.fromEntries(
        [...confirmPage.body.matchAll(HIDDEN_INPUT)].map(([, n, v]) => [
          n as string,
          unescapeHtml(v as string),
        ]),
      )
      const action = /<form[^>]*action="([^"]+)"/.exec(confirmPage.body)?.[1] ?? "/device"
      return this.visit(new URL(unescapeHtml(action), confirmPage.url).href, {
        method: "POST",
        form: { ...rest, abort: "yes" },
      })
    }
    return this.submitForm(confirmPage)
  }
}
