// initAccount: a new account with its first device in a fresh home — keys in the vault, relays and signed
// records in meta, the account doc started (profile, this device) — then, best effort, the records and
// the inbox topic put on every relay. A relay that is down gets them when the core first connects.
import { hostname } from 'node:os';
import { putDevice, setProfile } from '../../shared/docs/account-doc.js';
import type { CoreResult } from '../../shared/core-api.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { TopicFlags } from '../../shared/frames.js';
import { relayListProblem } from '../../shared/invite.js';
import { encodeProfile } from '../../shared/records.js';
import { err, ok } from '../../shared/result.js';
import type { Home } from '../home/index.js';
import { RelayClient } from '../relay-client/index.js';
import { DocRegistry } from '../sync/doc-registry.js';
import { createOutboxStore } from '../sync/outbox-store.js';
import { accountDocTopic, ACCOUNT_DOC } from './context.js';
import { createIdentity, loadIdentity, META, setMeta, storedRecord, writeDeviceListRecord, writeProfileRecord } from './identity.js';
import type { Identity } from './identity.js';

export type InitAccountOptions = {
  home: Home;
  sodium: Sodium;
  name: string;
  relays: string[];
  status?: string;
  /** How long to try each relay before leaving the records for the first start (default 5 s). */
  connectTimeoutMs?: number;
  now?: () => number;
};
export type InitAccountResult = { accountId: string; deviceId: string; /** Relays that took the records now. */ published: string[] };

export async function initAccount(o: InitAccountOptions): Promise<CoreResult<InitAccountResult>> {
  const { home, sodium } = o;
  const now = (o.now ?? Date.now)();
  const relays = Array.isArray(o.relays) ? [...o.relays] : [];
  const problem = relayListProblem(relays);
  if (problem !== null) return err('INVALID_ARGUMENT', problem);
  const profile = { name: o.name, status: o.status ?? '', avatarMime: '', avatar: new Uint8Array(0) };
  if (typeof o.name !== 'string' || o.name.trim() === '') return err('INVALID_ARGUMENT', 'a name is required');
  const encoded = encodeProfile(profile);
  if (!encoded.ok) return err(encoded.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'INVALID_ARGUMENT', encoded.message);
  if (loadIdentity(home.vault, sodium) !== null) return err('INVALID_ARGUMENT', `${home.dir} already holds an account`);

  const id = home.db.transaction((): Identity => {
    const identity = createIdentity(home.vault, sodium);
    setMeta(home.db, META.relays, JSON.stringify(relays));
    writeDeviceListRecord(home.db, sodium, identity, now);
    const r = writeProfileRecord(home.db, sodium, identity, profile, now);
    if (!r.ok) throw new Error(`a checked profile does not encode: ${r.message}`);
    const registry = new DocRegistry({ db: home.db, sodium, device: identity.device, outbox: createOutboxStore(home.db), ownerOf: () => null, afterCommit: () => undefined, now: () => now });
    registry.register(accountDocTopic({ id: identity, relays: () => relays }));
    registry.local(ACCOUNT_DOC, (doc) => {
      setProfile(doc, { name: profile.name, status: profile.status });
      putDevice(doc, { device: identity.device.hex, name: hostname(), addedAt: now });
    });
    return identity;
  })();

  const published = await Promise.all(relays.map((url) => publishAtInit(sodium, id, url, home, o.connectTimeoutMs ?? 5000)));
  return ok({ accountId: id.account.hex, deviceId: id.device.hex, published: relays.filter((_, i) => published[i]) });
}

/** Puts the device list and profile, and creates the inbox topic with this device registered; false if the relay is not reachable. */
async function publishAtInit(sodium: Sodium, id: Identity, url: string, home: Home, timeoutMs: number): Promise<boolean> {
  const client = new RelayClient({ sodium, device: id.device, reconnect: false, requestTimeoutMs: timeoutMs });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const work = (async () => {
    const session = await client.connect(url);
    if (!session.ok) return false;
    for (const record of [storedRecord(home.db, 'deviceListRecord'), storedRecord(home.db, 'profileRecord')]) {
      if (record === null) continue;
      const r = await client.putRecord(record);
      if (!r.ok && r.code !== 'STALE_RECORD') return false;
    }
    const inbox = await client.openTopic(id.inbox.capability, TopicFlags.OpenPublish);
    if (!inbox.ok) return false;
    return (await client.register(inbox.value, [id.device.publicKey])).ok;
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}
