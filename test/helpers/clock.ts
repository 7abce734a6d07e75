// A clock the test moves by hand, for sessions and lapses that would otherwise need real time to pass.
import type { Clock } from "../../src/clock.js";

export class ManualClock implements Clock {
  constructor(private ms: number) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
