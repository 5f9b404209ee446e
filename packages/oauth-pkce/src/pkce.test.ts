import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { OAUTH_PKCE_ERROR_CODES } from "./oauth-pkce-error.ts"
import { computeCodeChallenge, generatePkce, isValidCodeVerifier } from "./pkce.ts"

// RFC 7636 Appendix B: the 32 random octets, the verifier they encode to, and its S256 challenge.
const APPENDIX_B_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
  240, 91, 88, 5, 88, 83, 132, 141, 121,
]
const APPENDIX_B_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
const APPENDIX_B_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

describe("PKCE (RFC 7636)", () => {
  it("computes the Appendix B challenge from the Appendix B verifier", async () => {
    await expect(computeCodeChallenge(APPENDIX_B_VERIFIER)).resolves.toBe(APPENDIX_B_CHALLENGE)
  })

  it("turns the Appendix B octets into the Appendix B verifier and challenge", async () => {
    const pair = await generatePkce({ randomBytes: () => Uint8Array.from(APPENDIX_B_OCTETS) })
    expect(pair).toEqual({
      codeVerifier: APPENDIX_B_VERIFIER,
      codeChallenge: APPENDIX_B_CHALLENGE,
      codeChallengeMethod: "S256",
    })
  })

  it("makes verifiers of exactly the asked length, 43 to 128 unreserved characters (§4.1)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 43, max: 128 }),
        fc.uint8Array({ minLength: 96, maxLength: 96 }),
        async (length, pool) => {
          const { codeVerifier, codeChallenge } = await generatePkce({
            verifierLength: length,
            randomBytes: (n) => pool.slice(0, n),
          })
          expect(codeVerifier).toHaveLength(length)
          expect(codeVerifier).toMatch(/^[A-Za-z0-9\-._~]+$/)
          expect(isValidCodeVerifier(codeVerifier)).toBe(true)
          expect(codeChallenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
        },
      ),
      { numRuns: 200 },
    )
  })

  it("draws fresh randomness: two default pairs differ", async () => {
    const [a, b] = await Promise.all([generatePkce(), generatePkce()])
    expect(a.codeVerifier).not.toBe(b.codeVerifier)
    expect(a.codeVerifier).toHaveLength(43)
  })

  it.each([42, 129, 43.5, Number.NaN])("refuses verifierLength %s", async (length) => {
    await expect(generatePkce({ verifierLength: length })).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
    })
  })

  it("validates verifiers by length and alphabet", () => {
    expect(isValidCodeVerifier("a".repeat(42))).toBe(false)
    expect(isValidCodeVerifier("a".repeat(43))).toBe(true)
    expect(isValidCodeVerifier("a".repeat(128))).toBe(true)
    expect(isValidCodeVerifier("a".repeat(129))).toBe(false)
    expect(isValidCodeVerifier(`${"a".repeat(42)}+`)).toBe(false)
    expect(isValidCodeVerifier(`${"a".repeat(42)}~`)).toBe(true)
  })

  it("refuses to compute a challenge for an invalid verifier", async () => {
    await expect(computeCodeChallenge("short")).rejects.toMatchObject({
      code: OAUTH_PKCE_ERROR_CODES.INVALID_OPTIONS,
    })
  })
})
