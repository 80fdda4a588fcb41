// TEST ONLY: a fresh Pinia with a fake core provided, the way every store test starts.
import { createPinia, setActivePinia } from 'pinia';
import { provideCore } from '../stores/core.js';
import { createFakeCore, type FakeCore } from './fake-core.js';

export const BOB = 'b2'.repeat(32);
export const CAROL = 'c3'.repeat(32);

export function withFakeCore(options: Parameters<typeof createFakeCore>[0] = {}): FakeCore {
  setActivePinia(createPinia());
  const core = createFakeCore(options);
  provideCore(core, core);
  return core;
}

/** A promise with its resolve function outside, to hold a core answer back. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
