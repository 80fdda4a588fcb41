// `cairn status CHAT_ID`: a chat's proof of convergence (docs/MULTIDEVICE.md). A core opened for the command
// first catches up, then the command polls the status until every device was heard from or the timeout passes;
// a running owner already knows what its peers said, so through its socket the wait is usually nil.
import type { ChatSyncStatus, CoreApi } from '../shared/core-api.js';
import { failure, type Outcome } from './commands.js';
import { EXIT } from './exit-codes.js';
import { jsonLine } from './format.js';

const POLL_MS = 100;

export type ChatStatusOptions = { chatId: string; json: boolean; timeoutMs: number; /** The core runs in this process (it must catch up first). */ direct: boolean };

export async function chatStatus(core: CoreApi, o: ChatStatusOptions): Promise<Outcome> {
  const deadline = Date.now() + o.timeoutMs;
  let r = await core.chatSyncStatus(o.chatId);
  if (!r.ok) return failure(r.code, r.message);
  // Compared before catching up, this device's digest would call every peer behind; a failed sync still reports.
  if (o.direct) {
    await core.sync({ timeoutMs: o.timeoutMs });
    r = await core.chatSyncStatus(o.chatId);
  }
  while (r.ok && r.value.devices.some((d) => d.inSync === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    r = await core.chatSyncStatus(o.chatId);
  }
  if (!r.ok) return failure(r.code, r.message);
  return { stdout: o.json ? jsonLine(r.value) : chatSyncText(r.value), exit: EXIT.OK, error: null };
}

export function chatSyncText(s: ChatSyncStatus): string {
  const n = s.devices.length;
  const inSync = s.devices.filter((d) => d.inSync === true).length;
  const head = s.allInSync ? `all ${n} devices in sync\n` : `${inSync} of ${n} devices in sync\n`;
  const lines = s.devices.map((d) => {
    const state = d.current ? 'this device' : d.inSync === true ? 'in sync' : d.inSync === false ? 'LAGS (differs)' : 'not heard from';
    return `  ${d.deviceId.slice(0, 16)}  account ${d.account.slice(0, 16)}  ${state}\n`;
  });
  return head + lines.join('');
}
