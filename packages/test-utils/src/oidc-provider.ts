export { Browser, type BrowserVisit } from "./oidc-provider/browser.ts"
export {
  OIDC_ACCOUNT_ID,
  OIDC_CLIENT_ID,
  type OidcProvider,
  type OidcProviderOptions,
  startOidcProvider,
} from "./oidc-provider/start-oidc-provider.ts"
