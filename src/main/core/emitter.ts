// The core's events: typed keys and payloads; a listener that throws is logged and does not stop the
// others or the core (listeners belong to UIs and bridges, not to the sync path).
import type { CoreEvents, Unsubscribe } from '../../shared/core-api.js';
import type { CoreLogger } from '../sync/logger.js';

type Listener<K extends keyof CoreEvents> = (payload: CoreEvents[K]) => void;

export class CoreEmitter {
  readonly #listeners = new Map<keyof CoreEvents, Set<Listener<never>>>();
  readonly #log: CoreLogger;

  constructor(log: CoreLogger) {
    this.#log = log;
  }

  on<K extends keyof CoreEvents>(event: K, listener: Listener<K>): Unsubscribe {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => void set.delete(listener as Listener<never>);
  }

  emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (e) {
        this.#log.error({ event }, `a '${event}' listener threw: ${(e as Error).message}`);
      }
    }
  }

  has(event: keyof CoreEvents): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }
}
