// The composer's keyboard rule: Enter sends, Shift+Enter (or Enter while an IME composes) is a newline.

export type ComposerKey = { key: string; shiftKey: boolean; isComposing: boolean; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean };

/** 'send' when the key should send the draft, 'newline' for a line break, null for anything else. */
export function composerAction(e: ComposerKey): 'send' | 'newline' | null {
  if (e.key !== 'Enter') return null;
  if (e.isComposing || e.shiftKey || e.altKey) return 'newline';
  return 'send';
}
