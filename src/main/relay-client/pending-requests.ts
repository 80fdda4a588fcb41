// Requests in flight on one socket, matched to their replies by reqId. A reply either settles its
// request or is reported as unmatched; a dropped socket settles every request with DISCONNECTED.
import type { ErrorFrame, OkFrame, PublishedFrame, RecordFrame, RelayErrorName } from '../../shared/frames.js';
import { RelayErrorCode } from '../../shared/frames.js';
import { err } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { Timers } from './ack-coalescer.js';
import { realTimers } from './ack-coalescer.js';

/** Relay error names, plus the client's own: no socket, socket dropped, no reply in time, wrong reply kind. */
export type RequestErrorCode = RelayErrorName | 'UNKNOWN_ERROR' | 'NOT_CONNECTED' | 'DISCONNECTED' | 'TIMEOUT' | 'UNEXPECTED_REPLY' | 'CLOSED';

export type ReplyFrame = OkFrame | PublishedFrame | RecordFrame;

const ERROR_NAMES = new Map<number, RelayErrorName>(Object.entries(RelayErrorCode).map(([name, code]) => [code, name as RelayErrorName]));

export function relayErrorName(code: number): RelayErrorName | 'UNKNOWN_ERROR' {
  return ERROR_NAMES.get(code) ?? 'UNKNOWN_ERROR';
}

type Entry = {
  /** Turns the reply into the request's value, or an UNEXPECTED_REPLY error. */
  map: (frame: ReplyFrame) => Result<unknown, RequestErrorCode>;
  resolve: (result: Result<unknown, RequestErrorCode>) => void;
  timer: unknown;
};

/** reqIds stay below 2^31 so they always fit a small varUint; 0 is reserved for "answers no request". */
const MAX_REQ_ID = 0x7fff_ffff;

export class PendingRequests {
  readonly #entries = new Map<number, Entry>();
  readonly #timeoutMs: number;
  readonly #timers: Timers;
  #last = 0;

  constructor(timeoutMs: number, timers: Timers = realTimers) {
    this.#timeoutMs = timeoutMs;
    this.#timers = timers;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Allocates a reqId and a promise that settles with the reply (mapped), an ERROR, a timeout or a drop. */
  add<T>(map: (frame: ReplyFrame) => Result<T, RequestErrorCode>): { reqId: number; result: Promise<Result<T, RequestErrorCode>> } {
    const reqId = this.#nextId();
    const result = new Promise<Result<T, RequestErrorCode>>((resolve) => {
      const timer = this.#timeoutMs > 0 ? this.#timers.setTimeout(() => this.#finish(reqId, err('TIMEOUT', `no reply to request ${reqId} within ${this.#timeoutMs} ms`)), this.#timeoutMs) : null;
      this.#entries.set(reqId, { map, resolve: resolve as Entry['resolve'], timer });
    });
    return { reqId, result };
  }

  /** Settles the request a reply answers; false when no request waits for that reqId. */
  settle(frame: ReplyFrame | ErrorFrame): boolean {
    const entry = frame.reqId === 0 ? undefined : this.#entries.get(frame.reqId);
    if (entry === undefined) return false;
    if ('code' in frame) this.#finish(frame.reqId, err(relayErrorName(frame.code), frame.message));
    else this.#finish(frame.reqId, entry.map(frame));
    return true;
  }

  /** Settles one request with an error without a reply (e.g. the frame could not be sent). */
  fail(reqId: number, code: RequestErrorCode, message: string): void {
    this.#finish(reqId, err(code, message));
  }

  /** Settles every request with the same error (the socket dropped or the client closed). */
  failAll(code: RequestErrorCode, message: string): void {
    for (const reqId of [...this.#entries.keys()]) this.#finish(reqId, err(code, message));
  }

  #finish(reqId: number, result: Result<unknown, RequestErrorCode>): void {
    const entry = this.#entries.get(reqId);
    if (entry === undefined) return;
    this.#entries.delete(reqId);
    if (entry.timer !== null) this.#timers.clearTimeout(entry.timer);
    entry.resolve(result);
  }

  #nextId(): number {
    do this.#last = this.#last >= MAX_REQ_ID ? 1 : this.#last + 1;
    while (this.#entries.has(this.#last));
    return this.#last;
  }
}
