// The whole core (createCore over a copied template home, never started, so it stays offline) for what the
// CoreApi itself does: CoreApi.messages (the latest page of a chat), CoreApi.send (a local change plus the
// core's own event handling), CoreApi.chats and CoreApi.markRead.
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import { createCore } from '../../src/main/core/core.js';
import type { Core } from '../../src/main/core/core.js';
import type { Home } from '../../src/main/home/index.js';
import { copyTemplate, openCopy } from './fixture.js';
import type { Copy, Template } from './fixture.js';
import { timedAsync } from './meter.js';
import type { Span } from './meter.js';
import type { TextSource } from './traffic.js';

export class CoreHarness {
  readonly core: Core;
  readonly chatId: string;
  readonly #copy: Copy;
  readonly #home: Home;

  private constructor(core: Core, chatId: string, copy: Copy, home: Home) {
    this.core = core;
    this.chatId = chatId;
    this.#copy = copy;
    this.#home = home;
  }

  static async open(t: Template, sodium: Sodium): Promise<CoreHarness> {
    const copy = copyTemplate(t);
    const home = openCopy(t, copy, sodium);
    const core = await createCore({ home, sodium, profileRefreshMs: 0 });
    return new CoreHarness(core, t.chat.chatId, copy, home);
  }

  /** `calls` CoreApi.messages calls for the latest `limit` messages (checked to be that many). */
  latest(limit: number, calls: number): Promise<Span> {
    return timedAsync(async () => {
      for (let i = 0; i < calls; i++) {
        const r = await this.core.messages(this.chatId, { limit });
        if (!r.ok) throw new Error(`messages: ${r.message}`);
        if (r.value.length !== limit) throw new Error(`messages returned ${r.value.length} of ${limit}`);
      }
    });
  }

  /** `calls` CoreApi.chats calls. */
  chats(calls: number): Promise<Span> {
    return timedAsync(async () => {
      for (let i = 0; i < calls; i++) {
        const r = await this.core.chats();
        if (!r.ok || r.value.length !== 1) throw new Error('chats did not list the bench chat');
      }
    });
  }

  /** `count` CoreApi.send calls (queued in the outbox: the core is offline). */
  send(texts: TextSource, count: number): Promise<Span> {
    return timedAsync(async () => {
      for (let i = 0; i < count; i++) {
        const r = await this.core.send(this.chatId, texts.text());
        if (!r.ok) throw new Error(`send: ${r.message}`);
      }
    });
  }

  async markRead(messageId: string): Promise<void> {
    const r = await this.core.markRead(this.chatId, messageId);
    if (!r.ok) throw new Error(`markRead: ${r.message}`);
  }

  async close(): Promise<void> {
    await this.core.stop();
    this.#home.close();
    this.#copy.remove();
  }
}
