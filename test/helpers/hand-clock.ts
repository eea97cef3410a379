import type { Clock } from "../../src/core/ports.js";

/** A clock that stands still until the test moves it. */
export interface HandClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

export function handClock(iso: string): HandClock {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set(next) {
      t = Date.parse(next);
    },
    advance(ms) {
      t += ms;
    },
  };
}
