// Per-row layout flags of the history (day separator, first of a run by one author, start-of-chat note), cached
// per message object and recomputed only when the message before it changes (a page prepended, a new message).
import type { MessageView } from '../../shared/core-api.js';

export type RowLayout = {
  /** Opens a new calendar day: the row carries a day separator. */
  day: boolean;
  /** Starts a run of messages by one author (a name line in groups, more space above). */
  first: boolean;
  /** The very first message of the chat: the row carries the start-of-chat note. */
  start: boolean;
  /** Message id plus the flags: heights are measured per key, since the flags change a row's height. */
  key: string;
};

export type RowLayouts = { layoutOf(messages: readonly MessageView[], index: number, hasOlder: boolean): RowLayout };

export function createRowLayouts(options: { groupGapMs: number; dayKey: (ms: number) => string }): RowLayouts {
  const layouts = new WeakMap<MessageView, { prev: MessageView | undefined; layout: RowLayout }>();
  const days = new WeakMap<MessageView, string>();
  const dayOf = (m: MessageView) => {
    let d = days.get(m);
    if (d === undefined) days.set(m, (d = options.dayKey(m.sentAt)));
    return d;
  };

  return {
    layoutOf(messages, index, hasOlder) {
      const m = messages[index]!;
      const prev = index > 0 ? messages[index - 1] : undefined;
      const cached = layouts.get(m);
      if (cached !== undefined && cached.prev === prev && (prev !== undefined || cached.layout.start === !hasOlder)) return cached.layout;
      const day = prev === undefined || dayOf(prev) !== dayOf(m);
      const first = day || prev === undefined || prev.author !== m.author || m.sentAt - prev.sentAt > options.groupGapMs;
      const start = prev === undefined && !hasOlder;
      const layout = { day, first, start, key: `${m.id}|${day ? 'd' : ''}${first ? 'f' : ''}${start ? 's' : ''}` };
      layouts.set(m, { prev, layout });
      return layout;
    },
  };
}
