// One Yjs update (format V1) for a run of local transactions on a doc, encoded once at the end of the run:
// the structs this device wrote since the run started and the run's deletions. Encoding every transaction
// (an 'update' listener) and then Y.mergeUpdates of the results cost ~25 µs per message in a grouped commit;
// this is Yjs's own writeUpdateMessageFromTransaction over the whole run instead of one transaction.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** What a run of local transactions changed so far; record() around each one, encode() once at the end. */
export class LocalRun {
  /** Per Yjs client id (a doc's id can change when a remote update touches its state), its clock at the run's start. */
  readonly #from = new Map<number, number>();
  readonly #deletes: DeleteSet[] = [];

  /** Runs fn as one local Yjs transaction of the run; returns its value and whether it changed the doc. */
  record<R>(doc: Y.Doc, origin: unknown, fn: () => R): { value: R; changed: boolean } {
    const client = doc.clientID;
    const before = Y.getState(doc.store, client);
    if (!this.#from.has(client)) this.#from.set(client, before);
    let tr: Y.Transaction | null = null;
    const value = doc.transact((t) => {
      tr = t;
      return fn();
    }, origin);
    const ds = (tr as Y.Transaction | null)?.deleteSet;
    const deleted = ds !== undefined && ds.clients.size > 0;
    if (deleted) this.#deletes.push(ds);
    return { value, changed: deleted || Y.getState(doc.store, client) !== before };
  }

  /** The run's changes as one update (empty of structs and deletions when nothing changed). */
  encode(doc: Y.Doc): Uint8Array {
    const encoder = new Y.UpdateEncoderV1();
    const rest = encoder.restEncoder;
    const written: [number, number, (Y.Item | Y.GC)[]][] = [];
    for (const [client, from] of this.#from) {
      const structs = doc.store.clients.get(client) as (Y.Item | Y.GC)[] | undefined;
      if (structs !== undefined && Y.getState(doc.store, client) > from) written.push([client, from, structs]);
    }
    // Clients in descending order, as Yjs writes them.
    written.sort((a, b) => b[0] - a[0]);
    encoding.writeVarUint(rest, written.length);
    for (const [client, from, structs] of written) {
      const clock = Math.max(from, structs[0]!.id.clock);
      const start = Y.findIndexSS(structs, clock);
      encoding.writeVarUint(rest, structs.length - start);
      encoder.writeClient(client);
      encoding.writeVarUint(rest, clock);
      const first = structs[start]!;
      first.write(encoder, clock - first.id.clock);
      for (let i = start + 1; i < structs.length; i++) structs[i]!.write(encoder, 0);
    }
    const ds = this.#deletes.length === 0 ? Y.createDeleteSet() : this.#deletes.length === 1 ? this.#deletes[0]! : Y.mergeDeleteSets(this.#deletes);
    encoding.writeVarUint(rest, ds.clients.size);
    for (const [client, items] of [...ds.clients.entries()].sort((a, b) => b[0] - a[0])) {
      encoder.resetDsCurVal();
      encoding.writeVarUint(rest, client);
      encoding.writeVarUint(rest, items.length);
      for (const item of items) {
        encoder.writeDsClock(item.clock);
        encoder.writeDsLen(item.len);
      }
    }
    return encoder.toUint8Array();
  }
}
