export type { NonLoopbackAttempt } from "./loopback-guard.ts"
export { installLoopbackGuard, isLoopbackHost, takeNonLoopbackAttempts } from "./loopback-guard.ts"
