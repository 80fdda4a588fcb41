// Splits one Yjs update (format v1) into several valid updates of bounded size whose union is the original,
// so a large sync step 2 travels in frames below the relay's limit. The structs are decoded with Yjs and
// re-encoded with Yjs's own struct writers (as Y.mergeUpdates does); only the update framing is written
// here: per chunk, runs of consecutive structs of one client, then a part of the delete set. Yjs applies
// the chunks in any order: a struct whose dependencies have not arrived waits as pending, and so do deletions.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

type DeleteRange = { clock: number; len: number };
type Run = { client: number; clock: number; from: number; to: number };
type Chunk = { runs: Run[]; clients: Set<number>; deletes: [number, DeleteRange[]][]; size: number };

/** Upper bound of a varUint count (struct or range counts stay far below 2^35). */
const COUNT_BYTES = 5;
/** A chunk's fixed part: the number of client runs and the number of delete-set clients. */
const CHUNK_BASE_BYTES = 2 * COUNT_BYTES;
/** Smallest maxBytes that leaves room for a run header and a small struct. */
export const MIN_SPLIT_BYTES = 64;

function varUintLength(n: number): number {
  let length = 1;
  while (n > 127) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

const newChunk = (): Chunk => ({ runs: [], clients: new Set(), deletes: [], size: CHUNK_BASE_BYTES });

/**
 * Returns [update] when it fits; otherwise updates of at most maxBytes each. A single struct larger than maxBytes
 * (one message near MAX_MESSAGE_TEXT with a small maxBytes) cannot be split and gets a chunk of its own that is larger.
 */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  if (update.length <= maxBytes) return [update];
  if (!(maxBytes >= MIN_SPLIT_BYTES)) throw new RangeError(`maxBytes must be at least ${MIN_SPLIT_BYTES}, got ${maxBytes}`);
  const { structs, ds } = Y.decodeUpdate(update);

  // V1 struct encodings do not depend on what precedes them, so each struct is encoded once and sliced into chunks.
  const encoder = new Y.UpdateEncoderV1();
  const starts = new Array<number>(structs.length);
  const ends = new Array<number>(structs.length);
  for (let i = 0; i < structs.length; i++) {
    starts[i] = encoding.length(encoder.restEncoder);
    const s = structs[i]!;
    if (!(s instanceof Y.Skip)) s.write(encoder, 0);
    ends[i] = encoding.length(encoder.restEncoder);
  }
  const structBytes = encoder.toUint8Array();

  const chunks: Chunk[] = [];
  let chunk = newChunk();
  const flush = (): void => {
    if (chunk.runs.length > 0 || chunk.deletes.length > 0) chunks.push(chunk);
    chunk = newChunk();
  };
  const isEmpty = (): boolean => chunk.runs.length === 0 && chunk.deletes.length === 0;

  let run: Run | null = null;
  for (let i = 0; i < structs.length; i++) {
    const s = structs[i]!;
    // A Skip marks a gap: it is not sent, and the next struct starts a new run at its own clock.
    if (s instanceof Y.Skip) {
      run = null;
      continue;
    }
    const size = ends[i]! - starts[i]!;
    const prev = structs[i - 1];
    const continues = run !== null && run.to === i && prev !== undefined && prev.id.client === s.id.client && prev.id.clock + prev.length === s.id.clock;
    if (continues && chunk.size + size <= maxBytes) {
      run!.to = i + 1;
      chunk.size += size;
      continue;
    }
    const header = COUNT_BYTES + varUintLength(s.id.client) + varUintLength(s.id.clock);
    // An update holds one run per client, so a second run of the same client starts a new chunk.
    if (chunk.clients.has(s.id.client) || (!isEmpty() && chunk.size + header + size > maxBytes)) flush();
    run = { client: s.id.client, clock: s.id.clock, from: i, to: i + 1 };
    chunk.runs.push(run);
    chunk.clients.add(s.id.client);
    chunk.size += header + size;
  }

  for (const [client, items] of ds.clients) {
    let entry: [number, DeleteRange[]] | null = null;
    for (const item of items) {
      const size = varUintLength(item.clock) + varUintLength(item.len);
      if (entry !== null && chunk.size + size <= maxBytes) {
        entry[1].push(item);
        chunk.size += size;
        continue;
      }
      const header = varUintLength(client) + COUNT_BYTES;
      if (!isEmpty() && chunk.size + header + size > maxBytes) flush();
      entry = [client, [item]];
      chunk.deletes.push(entry);
      chunk.size += header + size;
    }
  }
  flush();
  return chunks.map((c) => writeChunk(c, structBytes, starts, ends));
}

function writeChunk(chunk: Chunk, structBytes: Uint8Array, starts: number[], ends: number[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, chunk.runs.length);
  for (const run of chunk.runs) {
    encoding.writeVarUint(e, run.to - run.from);
    encoding.writeVarUint(e, run.client);
    encoding.writeVarUint(e, run.clock);
    encoding.writeUint8Array(e, structBytes.subarray(starts[run.from], ends[run.to - 1]));
  }
  encoding.writeVarUint(e, chunk.deletes.length);
  for (const [client, ranges] of chunk.deletes) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const r of ranges) {
      encoding.writeVarUint(e, r.clock);
      encoding.writeVarUint(e, r.len);
    }
  }
  return encoding.toUint8Array(e);
}
