import type { Context } from "./_context.ts"

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
const ASCII_FRAMES = ["-", "\\", "|", "/"]

/** A spinner on stderr while something waits on the network; drawn only when stderr is a terminal. */
export interface Spinner {
  update(text: string): void
  stop(): void
}

export function startSpinner(ctx: Context, text: string): Spinner {
  if (ctx.stderr.isTTY !== true) return { update() {}, stop() {} }
  const frames = ctx.unicode ? FRAMES : ASCII_FRAMES
  let frame = 0
  let message = text
  const draw = () => {
    ctx.stderr.write(`\r\u001b[2K${ctx.errStyle.cyan(frames[frame++ % frames.length]!)} ${message}`)
  }
  draw()
  const timer = setInterval(draw, 80)
  timer.unref?.()
  return {
    update(next) {
      message = next
    },
    stop() {
      clearInterval(timer)
      ctx.stderr.write("\r\u001b[2K")
    },
  }
}
