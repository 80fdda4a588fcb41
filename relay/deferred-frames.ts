// ACKED and DELIVERED can wait a little: a socket holds them until its next frame goes out (they share
// that write) or until a flush at most delayMs later. Under load nearly every socket gets an UPDATE
// within that time, so these confirmations stop costing a write (a socket syscall) of their own.
export type Deferring = { flushDeferred(): void };

export class DeferredFrames {
  readonly #delayMs: number;
  #waiting: Deferring[] = [];
  #timer: NodeJS.Timeout | null = null;

  /** delayMs 0 turns deferral off: hold() answers false and frames are written at once. */
  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** Called when conn starts holding frames; false when deferral is off. */
  hold(conn: Deferring): boolean {
    if (this.#delayMs <= 0) return false;
    this.#waiting.push(conn);
    if (this.#timer === null) {
      this.#timer = setTimeout(this.flush, this.#delayMs);
      this.#timer.unref();
    }
    return true;
  }

  /** Writes every held frame now (the timer, and the relay's close). */
  readonly flush = (): void => {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const conn of waiting) conn.flushDeferred();
  };
}
