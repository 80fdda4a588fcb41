// Old topics a revocation must close (CLOSE_TOPIC, docs/MULTIDEVICE.md section 7), kept in meta until each relay
// answered OK: a relay down or failing during the revocation gets the close when it is open again (relayOpen).
import type { TopicCapability } from '../../shared/crypto/capability.js';
import { topicIdOf } from '../../shared/crypto/capability.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { CapabilityKey, TopicId } from '../../shared/ids.js';
import { fromHex, toHex } from '../../shared/ids.js';
import type { Result } from '../../shared/result.js';
import type { ClientDb } from '../db/index.js';
import type { CoreLogger } from '../sync/logger.js';
import { getMeta, setMeta } from './identity.js';

export const PENDING_CLOSES_META = 'revoke.pending-closes';

/** One close still owed: the relay, the topic's capability secret key (to prove it again) and creation flags. */
type PendingClose = { url: string; secretKey: string; flags: number };

type CloseClient = {
  readonly isOpen: boolean;
  openTopic(capability: TopicCapability, flags?: number): Promise<Result<TopicId, string>>;
  closeTopic(topic: TopicId): Promise<Result<void, string>>;
};

/** What retrying needs of the core (a CoreContext has it). */
export type CloseDeps = {
  db: ClientDb;
  sodium: Sodium;
  log: CoreLogger;
  engine: { readonly stopped: boolean; pool: { get(url: string): { client: CloseClient } | null | undefined } };
};

export function pendingCloses(db: ClientDb): PendingClose[] {
  const v = getMeta(db, PENDING_CLOSES_META);
  if (typeof v !== 'string') return [];
  try {
    const rows = JSON.parse(v) as unknown;
    return Array.isArray(rows) ? rows.filter((r): r is PendingClose => typeof r?.url === 'string' && typeof r?.secretKey === 'string' && typeof r?.flags === 'number') : [];
  } catch {
    return [];
  }
}

/** Records closes owed (call inside the transaction that moves to the new epoch, so a crash cannot lose them). */
export function addPendingCloses(db: ClientDb, closes: { url: string; capability: TopicCapability; flags: number }[]): void {
  const rows = pendingCloses(db);
  for (const c of closes) {
    const secretKey = toHex(c.capability.secretKey);
    if (!rows.some((r) => r.url === c.url && r.secretKey === secretKey)) rows.push({ url: c.url, secretKey, flags: c.flags });
  }
  setMeta(db, PENDING_CLOSES_META, JSON.stringify(rows));
}

function removePending(db: ClientDb, done: PendingClose): void {
  setMeta(db, PENDING_CLOSES_META, JSON.stringify(pendingCloses(db).filter((r) => r.url !== done.url || r.secretKey !== done.secretKey)));
}

function capabilityOf(sodium: Sodium, secretKeyHex: string): TopicCapability | null {
  const secretKey = fromHex(secretKeyHex);
  if (secretKey === null || secretKey.length !== 64) return null;
  const capability = secretKey.slice(32) as CapabilityKey; // an Ed25519 secret key is seed ‖ public key
  return { capability, secretKey, topic: topicIdOf(sodium, capability) };
}

/** Sends the closes owed on a relay (every relay when url is omitted); each OK one is forgotten, the rest wait. */
export async function closePending(deps: CloseDeps, url?: string): Promise<void> {
  const rows = pendingCloses(deps.db).filter((r) => url === undefined || r.url === url);
  await Promise.all(
    rows.map(async (row) => {
      const client = deps.engine.pool.get(row.url)?.client;
      const cap = capabilityOf(deps.sodium, row.secretKey);
      if (cap === null) return removePending(deps.db, row);
      if (client === undefined || !client.isOpen) return;
      const opened = await client.openTopic(cap, row.flags);
      const r = opened.ok ? await client.closeTopic(cap.topic) : opened;
      if (deps.engine.stopped) return;
      // UNKNOWN_TOPIC: the relay lost its store, so there is nothing left to close.
      if (r.ok || r.code === 'UNKNOWN_TOPIC') removePending(deps.db, row);
      else deps.log.warn({ relay: row.url, topic: toHex(cap.topic).slice(0, 8) }, `closing an old topic failed (retried when the relay is open again): ${r.message}`);
    }),
  );
}
