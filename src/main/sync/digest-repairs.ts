// Targeted sync driven by convergence digests (docs/MULTIDEVICE.md, "Repair"): per (chat, device) one timer; a
// step 1 goes out only once the mismatch outlasted a quiet period, the next one only after a doubling backoff;
// the entry goes when the digests agree (or the device went quiet), which also resets the backoff.

export type RepairTiming = {
  /** A mismatch must outlast this much quiet on both sides before a step 1 is sent for it. */
  repairQuietMs: number;
  /** First wait before asking the same device again; doubles up to repairMaxMs. */
  repairBackoffMs: number;
  repairMaxMs: number;
};

export type RepairHooks = {
  now(): number;
  /** When the mismatch with that device last changed (its digest or this device's doc), or null when there is
   *  nothing to repair any more (equal digests, no digest, a device not heard from for long). */
  mismatchSince(doc: string, device: string): number | null;
  /** Sends a step 1 for the doc to that device. */
  ask(doc: string, device: string, backoffMs: number): void;
};

type Repair = { timer: ReturnType<typeof setTimeout> | null; notBefore: number; backoffMs: number };

export class DigestRepairs {
  readonly #t: RepairTiming;
  readonly #h: RepairHooks;
  /** doc → device (hex) → its repair. */
  readonly #docs = new Map<string, Map<string, Repair>>();

  constructor(timing: RepairTiming, hooks: RepairHooks) {
    this.#t = timing;
    this.#h = hooks;
  }

  /** A mismatch with the device: checked once it is quiet (a repair already waiting keeps its own time). */
  mismatch(doc: string, device: string): void {
    const since = this.#h.mismatchSince(doc, device);
    if (since === null) return this.settled(doc, device);
    if (!this.#docs.get(doc)?.has(device)) this.#arm(doc, device, since + this.#t.repairQuietMs);
  }

  /** The digests agree (or the device is gone): forget its repair and backoff. */
  settled(doc: string, device: string): void {
    const repairs = this.#docs.get(doc);
    const r = repairs?.get(device);
    if (r === undefined) return;
    if (r.timer !== null) clearTimeout(r.timer);
    repairs!.delete(device);
    if (repairs!.size === 0) this.#docs.delete(doc);
  }

  forget(doc: string): void {
    for (const device of [...(this.#docs.get(doc)?.keys() ?? [])]) this.settled(doc, device);
  }

  stop(): void {
    for (const doc of [...this.#docs.keys()]) this.forget(doc);
  }

  #arm(doc: string, device: string, at: number): void {
    let repairs = this.#docs.get(doc);
    if (repairs === undefined) this.#docs.set(doc, (repairs = new Map()));
    let r = repairs.get(device);
    if (r === undefined) repairs.set(device, (r = { timer: null, notBefore: 0, backoffMs: this.#t.repairBackoffMs }));
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = setTimeout(() => this.#run(doc, device), Math.max(0, Math.max(at, r.notBefore) - this.#h.now()));
    r.timer.unref?.();
  }

  #run(doc: string, device: string): void {
    const r = this.#docs.get(doc)?.get(device);
    if (r === undefined) return;
    r.timer = null;
    const since = this.#h.mismatchSince(doc, device);
    if (since === null) return this.settled(doc, device);
    const now = this.#h.now();
    const quietUntil = since + this.#t.repairQuietMs;
    if (quietUntil > now || r.notBefore > now) return this.#arm(doc, device, quietUntil);
    this.#h.ask(doc, device, r.backoffMs);
    r.notBefore = now + r.backoffMs;
    r.backoffMs = Math.min(r.backoffMs * 2, this.#t.repairMaxMs);
    this.#arm(doc, device, r.notBefore);
  }
}
