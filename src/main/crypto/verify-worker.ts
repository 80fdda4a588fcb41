// Envelope signatures checked ahead on a worker thread (with the main thread's backend), so a catch-up burst verifies its next
// batch while the main thread applies the current one (an Ed25519 verify is ~45-60 µs, about half of what
// receiving a message costs). The worker only says which signatures hold; the main thread's Sodium then answers
// `true` from that record only for the exact (signature, message, key) triple that was checked, and verifies
// anything else itself, so a worker that is missing, slow or failed changes speed, never the outcome.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { envelopeSignedParts } from '../../shared/crypto/envelope.js';
import type { Sodium } from '../../shared/crypto/sodium.js';

// CommonJS source run with `eval`: no separate file to locate in dist/, in tests (.ts sources) or in a bundle.
// A batch arrives as one transferred buffer of records [u32 message length][64 signature][32 key][message].
// The thread uses the backend the main thread uses: sodium-native, or libsodium-wrappers (wasm, which must finish
// loading first); both export crypto_sign_verify_detached(signature, message, publicKey) -> boolean.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const mod = require(workerData.sodium);
const ready = workerData.wasm ? mod.ready.then(() => mod) : Promise.resolve(mod);
ready.then(() => parentPort.postMessage({ up: true }));
parentPort.on('message', ({ id, buf, count }) => ready.then((s) => {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  const out = new Uint8Array(count);
  for (let i = 0, at = 0; i < count; i++) {
    const n = view.getUint32(at, true);
    const sig = bytes.subarray(at + 4, at + 68);
    const pk = bytes.subarray(at + 68, at + 100);
    out[i] = s.crypto_sign_verify_detached(sig, bytes.subarray(at + 100, at + 100 + n), pk) ? 1 : 0;
    at += 100 + n;
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
}));
`;

type Parts = { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array };
type Waiter = { resolve(ok: Uint8Array | null): void };

const keyOf = (signature: Uint8Array): string => Buffer.from(signature.buffer, signature.byteOffset, signature.length).toString('base64');
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

/** Signatures verified ahead, and a Sodium that consults them (for openEnvelope on the main thread). */
export class EnvelopePreverifier {
  /** The given Sodium, except that verify() answers from the checked record first. */
  readonly sodium: Sodium;
  readonly #sodiumPath: string;
  readonly #wasm: boolean;
  readonly #checked = new Map<string, { message: Uint8Array; publicKey: Uint8Array }>();
  readonly #waiters = new Map<number, Waiter>();
  readonly #max: number;
  #worker: Worker | null = null;
  /** Settles once the thread has loaded its backend, or has ended. */
  #up: Promise<void> = Promise.resolve();
  #broken = false;
  #next = 1;

  /** Null when the backend is neither sodium-native nor libsodium-wrappers, or its package cannot be found. */
  static create(sodium: Sodium, maxRecorded = 8192): EnvelopePreverifier | null {
    const pkg = sodium.name === 'native' ? 'sodium-native' : sodium.name === 'wasm' ? 'libsodium-wrappers' : null;
    if (pkg === null) return null;
    try {
      return new EnvelopePreverifier(sodium, createRequire(import.meta.url).resolve(pkg), sodium.name === 'wasm', maxRecorded);
    } catch {
      return null;
    }
  }

  private constructor(inner: Sodium, sodiumPath: string, wasm: boolean, maxRecorded: number) {
    this.#sodiumPath = sodiumPath;
    this.#wasm = wasm;
    this.#max = maxRecorded;
    const wrapped = Object.create(inner) as Sodium;
    wrapped.verify = (signature, message, publicKey) => this.#take(signature, message, publicKey) || inner.verify(signature, message, publicKey);
    this.sodium = wrapped;
  }

  /** Verifies the envelopes' signatures on the worker thread and records the valid ones; never rejects (a
   *  failure only leaves them to be verified on the main thread). */
  async check(envelopes: readonly Uint8Array[]): Promise<void> {
    const parts = envelopes.map(envelopeSignedParts).filter((p): p is Parts => p !== null && p.signature.length === 64);
    if (parts.length === 0) return;
    const worker = this.#start();
    if (worker === null) return;
    let size = 0;
    for (const p of parts) size += 100 + p.message.length;
    const buf = new ArrayBuffer(size);
    const bytes = new Uint8Array(buf);
    const view = new DataView(buf);
    let at = 0;
    for (const p of parts) {
      view.setUint32(at, p.message.length, true);
      bytes.set(p.signature, at + 4);
      bytes.set(p.publicKey, at + 68);
      bytes.set(p.message, at + 100);
      at += 100 + p.message.length;
    }
    const id = this.#next++;
    const answer = new Promise<Uint8Array | null>((resolve) => this.#waiters.set(id, { resolve }));
    worker.postMessage({ id, buf, count: parts.length }, [buf]);
    const ok = await answer;
    if (ok === null) return;
    // A bounded record: entries for frames that are never opened (a queue dropped on disconnect) age out.
    if (this.#checked.size + parts.length > this.#max) this.#checked.clear();
    parts.forEach((p, i) => {
      if (ok[i] === 1) this.#checked.set(keyOf(p.signature), { message: p.message, publicKey: p.publicKey.slice() });
    });
  }

  async close(): Promise<void> {
    this.#broken = true;
    this.#checked.clear();
    this.#fail();
    const w = this.#worker;
    this.#worker = null;
    if (w === null) return;
    // Terminating a thread while it loads a native addon can abort the process (the relay's checkpoint thread did
    // once in CI): wait, bounded, until the thread has its backend or has ended.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      timer.unref();
      void this.#up.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await w.terminate();
  }

  #take(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
    if (this.#checked.size === 0 || signature.length !== 64) return false;
    const key = keyOf(signature);
    const rec = this.#checked.get(key);
    if (rec === undefined) return false;
    this.#checked.delete(key);
    return same(rec.message, message) && same(rec.publicKey, publicKey);
  }

  /** The worker, started on first use; null once it failed (the main thread then verifies everything). */
  #start(): Worker | null {
    if (this.#worker !== null || this.#broken) return this.#worker;
    try {
      const w = new Worker(THREAD_SOURCE, { eval: true, workerData: { sodium: this.#sodiumPath, wasm: this.#wasm }, name: 'cairn-verify' });
      w.unref();
      this.#up = new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.on('message', (m: { up?: true }) => m.up === true && resolve());
      });
      w.on('message', (m: { id: number; out: Uint8Array }) => {
        if (m.out === undefined) return;
        const waiter = this.#waiters.get(m.id);
        this.#waiters.delete(m.id);
        waiter?.resolve(m.out);
      });
      const broken = (): void => {
        this.#broken = true;
        this.#worker = null;
        this.#fail();
      };
      w.on('error', broken);
      w.on('exit', broken);
      this.#worker = w;
    } catch {
      this.#broken = true;
    }
    return this.#worker;
  }

  #fail(): void {
    for (const w of this.#waiters.values()) w.resolve(null);
    this.#waiters.clear();
  }
}
