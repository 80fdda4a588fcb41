// Template homes for the client bench, built once through the real modules (createHome, initAccount, the
// doc registry) and copied per run: one whose chat with the peer is empty, one whose chat holds a long
// history from the peer, stored as a compacted log (one row per 500 messages) with materialized rows + FTS.
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addChat } from '../../src/shared/docs/account-doc.js';
import type { ChatEntry } from '../../src/shared/docs/account-doc.js';
import { initChat } from '../../src/shared/docs/chat-doc.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import { toHex } from '../../src/shared/ids.js';
import { ACCOUNT_DOC, accountDocTopic, chatDocTopic } from '../../src/main/core/context.js';
import { loadIdentity } from '../../src/main/core/identity.js';
import { initAccount } from '../../src/main/core/init-account.js';
import { createHome, DB_FILE, openHome } from '../../src/main/home/index.js';
import type { Home } from '../../src/main/home/index.js';
import { DocRegistry } from '../../src/main/sync/doc-registry.js';
import { createOutboxStore } from '../../src/main/sync/outbox-store.js';
import { historyUpdates } from './traffic.js';
import type { Peer } from './traffic.js';

/** Nothing listens here: connections are refused at once, so the core stays offline and sends queue. */
export const OFFLINE_RELAY = 'ws://127.0.0.1:9';
/** Messages per log row of the history, as the compactor leaves them (DEFAULT_COMPACT_ROWS). */
const ROW_MESSAGES = 500;
const HISTORY_STEP_MS = 5_000;

export type Template = { dir: string; keyFile: string; chat: ChatEntry; history: number; lastHistoryId: string | null; dbBytes: number; buildMs: number };
export type Copy = { dir: string; remove(): void };

/** The chat every template holds (same id and key, so the same sealed frames apply to each). */
export type ChatSeed = { chatId: string; key: string };

export function newChatSeed(): ChatSeed {
  return { chatId: toHex(randomBytes(16)), key: toHex(randomBytes(32)) };
}

/** A home with an account (initAccount, offline), one chat with the peer, and `history` messages from the peer. */
export async function buildTemplate(root: string, name: string, sodium: Sodium, peer: Peer, seed: ChatSeed, history: number): Promise<Template> {
  const started = performance.now();
  const keyFile = join(root, `${name}.key`);
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  const dir = join(root, name);
  const created = createHome({ dir, keyFile, sodium });
  if (!created.ok) throw new Error(`createHome: ${created.message}`);
  const home = created.value;
  try {
    const init = await initAccount({ home, sodium, name: 'bench', relays: [OFFLINE_RELAY], connectTimeoutMs: 500 });
    if (!init.ok) throw new Error(`initAccount: ${init.message}`);
    const id = loadIdentity(home.vault, sodium)!;
    const now = Date.now();
    const firstSentAt = now - history * HISTORY_STEP_MS - 60_000;
    const chat: ChatEntry = {
      chatId: seed.chatId,
      key: seed.key,
      relays: [OFFLINE_RELAY],
      title: null,
      members: [id.account.hex, peer.account],
      createdAt: firstSentAt - 1000,
      createdBy: id.account.hex,
      request: false,
    };
    const ownerOf = (d: string) => (d === peer.deviceHex ? peer.account : d === id.device.hex ? id.account.hex : null);
    const registry = new DocRegistry({ db: home.db, sodium, device: id.device, outbox: createOutboxStore(home.db), ownerOf, afterCommit: () => undefined, now: () => now });
    registry.register(accountDocTopic({ id, relays: () => [OFFLINE_RELAY] }));
    registry.register(chatDocTopic(sodium, chat));
    // What createChat writes locally (its invite to the peer's inbox aside).
    registry.transaction(() => {
      registry.local(ACCOUNT_DOC, (d) => addChat(d, chat));
      registry.local(chat.chatId, (d) =>
        initChat(d, { title: null, createdAt: chat.createdAt, createdBy: id.account.hex, members: chat.members.map((m, i) => ({ account: m, role: i === 0 ? 'admin' : 'member', addedAt: chat.createdAt })) }),
      );
    });
    // The history arrives as a peer's step 2 would bring it (author null), 20 rows per transaction.
    const updates = historyUpdates(peer, history, ROW_MESSAGES, firstSentAt, HISTORY_STEP_MS, 7);
    for (let i = 0; i < updates.length; i += 20) registry.remote(updates.slice(i, i + 20).map((update) => ({ doc: chat.chatId, update, author: null })));
    home.db.prepare('UPDATE docs SET compacted_through = (SELECT max(id) FROM doc_updates WHERE doc = ?) WHERE doc = ?').run(chat.chatId, chat.chatId);
    // A long-lived chat's FTS5 index has been merged by its many small commits; written here in 10k-row
    // transactions it would hold a few big unmerged segments whose incremental merging the first thousands of
    // commits pay for (~+100 µs each). Merged once, as in steady state (BENCHMARKS.md notes the other case).
    home.db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
    const last = home.db.prepare<[string], { id: string }>('SELECT id FROM messages WHERE chat = ? ORDER BY sent_at DESC, id DESC LIMIT 1').get(chat.chatId);
    home.close();
    return { dir, keyFile, chat, history, lastHistoryId: last?.id ?? null, dbBytes: statSync(join(dir, DB_FILE)).size, buildMs: performance.now() - started };
  } catch (e) {
    home.close();
    throw e;
  }
}

/** A fresh copy of a template home in its own temp dir. */
export function copyTemplate(t: Template): Copy {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-client-'));
  cpSync(t.dir, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openCopy(t: Template, copy: Copy, sodium: Sodium): Home {
  const opened = openHome({ dir: copy.dir, keyFile: t.keyFile, sodium });
  if (!opened.ok) throw new Error(`openHome: ${opened.message}`);
  return opened.value;
}
