/**
 * One driver call on a connection we hold, bounded and cancellable: the shape PostgreSQL's and
 * MySQL's clients share.
 *
 * - `deadlineMs` (the statement timeout plus a grace): when the server has not answered by then —
 *   it is silent, or a proxy stopped forwarding — the connection is destroyed (never reused) and the
 *   call fails with `StatementDeadline` (classified `StatementTimeout`, code `CLIENT_TIMEOUT`).
 * - An interruption of the caller cancels the statement on the server (`cancel`: the driver's
 *   cancel request or `KILL QUERY` from another connection). If the statement still has not ended
 *   `cancelGraceMs` later, the connection is destroyed, so it cannot stay busy in the pool.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { StatementDeadline } from "./Driver.js"

/** What the call can do to the connection it runs on. */
export interface Held {
  /** Ask the server to stop the running statement (best effort, never throws). */
  readonly cancel: () => void
  /** Destroy the connection: every pending call on it fails, and it never returns to a pool. */
  readonly destroy: () => void
}

/**
 * `start` sends the statement once it holds a connection: it calls `sent(held)` when the statement
 * is on the wire (the deadline counts from there), and `finish` with the driver's answer (after
 * giving the connection back, when the call acquired it). `wanted()` is false once the caller gave
 * up: a connection acquired after that goes straight back.
 */
export const bounded = <A>(
  deadlineMs: number | undefined,
  cancelGraceMs: number,
  start: (sent: (held: Held) => void, finish: (error: unknown, value?: A) => void, wanted: () => boolean) => void
): Effect.Effect<A, unknown> =>
  Effect.async<A, unknown>((resume) => {
    let over = false
    let ended = false
    let held: Held | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const clear = () => timer !== undefined && clearTimeout(timer)
    const arm = (ms: number, onFire: () => void) => {
      clear()
      timer = setTimeout(onFire, ms)
      timer.unref?.()
    }
    start(
      (h) => {
        held = h
        if (deadlineMs !== undefined && !over) {
          arm(deadlineMs, () => {
            if (over || ended) return
            over = true
            h.destroy()
            resume(Effect.fail(new StatementDeadline()))
          })
        }
      },
      (error, value) => {
        ended = true
        clear()
        if (over) return
        over = true
        resume(error !== undefined && error !== null ? Effect.fail(error) : Effect.succeed(value as A))
      },
      () => !over
    )
    return Effect.sync(() => {
      if (over) return
      over = true
      if (held === undefined || ended) return clear()
      const h = held
      h.cancel()
      arm(cancelGraceMs, () => {
        if (!ended) h.destroy()
      })
    })
  })
