export {
  isOAuthPkceError,
  OAUTH_PKCE_ERROR_CODES,
  OAuthPkceError,
  type OAuthPkceErrorCode,
} from "./oauth-pkce-error.ts"
