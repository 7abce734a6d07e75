// Where the product reads "now" for sessions, sign-in throttling and journey lapses: one seam, so a test
// sets the time instead of waiting for it to pass.

export interface Clock {
  /** Milliseconds since the Unix epoch, as Date.now(). */
  now(): number;
}

/** The machine's clock: what a running server uses unless it is given another. */
export const systemClock: Clock = { now: () => Date.now() };
