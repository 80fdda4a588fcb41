// Keeps the device in step with its account doc, whoever changed it (this device, another own device,
// an accepted invite): follows every live chat's topic, drops blocked chats, and emits 'chat',
// 'chatRemoved' and 'contact' for what changed.
import { listChats, listContacts } from '../../shared/docs/account-doc.js';
import { accountDoc, chatDocTopic, chatViewOf } from './context.js';
import type { CoreContext } from './context.js';
import { contactView } from './contacts.js';
import { switchChat } from './key-epochs.js';

export class AccountWatcher {
  readonly #chats = new Map<string, string>();
  readonly #contacts = new Map<string, string>();

  /** Compares the account doc with what was seen last; quiet the first time (nothing to announce at start). */
  reconcile(ctx: CoreContext, announce = true): void {
    const doc = accountDoc(ctx);
    for (const entry of listChats(doc)) {
      const json = JSON.stringify(entry);
      const before = this.#chats.get(entry.chatId);
      this.#chats.set(entry.chatId, json);
      if (entry.blocked === true) {
        if (ctx.engine.topic(entry.chatId) !== null) ctx.engine.unfollow(entry.chatId);
        if (announce && before !== undefined && before !== json) ctx.emit('chatRemoved', { chatId: entry.chatId });
        continue;
      }
      const followed = ctx.engine.topic(entry.chatId);
      const spec = chatDocTopic(ctx.sodium, entry);
      // A new key (a revocation's key epoch) moves the chat to its new topic.
      if (followed !== null && followed.topicHex !== spec.topicHex) switchChat(ctx, followed, spec);
      if (followed === null || entry.relays.some((r) => !followed.relays.includes(r))) ctx.engine.follow(spec);
      if (announce && before !== json) ctx.emit('chat', chatViewOf(ctx, entry));
    }
    for (const c of listContacts(doc)) {
      const json = JSON.stringify(c);
      if (this.#contacts.get(c.accountId) === json) continue;
      this.#contacts.set(c.accountId, json);
      if (announce) ctx.emit('contact', contactView(ctx, c));
    }
  }
}
