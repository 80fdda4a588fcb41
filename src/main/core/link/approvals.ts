// Link approvals waiting for the user to compare the SAS, by id: approveLink starts one, confirmLink finishes
// it; one left unanswered is cancelled after a while (the new device then times out, nothing changed).
import type { CoreResult, LinkApprovalView } from '../../../shared/core-api.js';
import { randomBytes } from '../../../shared/crypto/sodium.js';
import { toHex } from '../../../shared/ids.js';
import { err, ok } from '../../../shared/result.js';
import type { CoreContext } from '../context.js';
import { beginApproval } from './approve.js';
import type { LinkApproval } from './approve.js';

const DEFAULT_TIMEOUT_MS = 30_000;
/** How long an approval waits for the user's answer. */
const ANSWER_MS = 5 * 60_000;

type Entry = { approval: LinkApproval; timer: ReturnType<typeof setTimeout> };

export class LinkApprovals {
  readonly #ctx: CoreContext;
  readonly #open = new Map<string, Entry>();

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  async begin(code: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CoreResult<LinkApprovalView>> {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return err('INVALID_ARGUMENT', 'timeoutMs must be a positive number');
    const r = await beginApproval(this.#ctx, code, timeoutMs);
    if (!r.ok) return r;
    const linkId = toHex(randomBytes(16));
    const timer = setTimeout(() => this.#drop(linkId), ANSWER_MS);
    timer.unref?.();
    this.#open.set(linkId, { approval: r.value, timer });
    return ok({ linkId, sas: r.value.sas, deviceId: r.value.deviceId, name: r.value.name });
  }

  async finish(linkId: string, accept: boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CoreResult<{ deviceId: string; name: string }>> {
    const entry = typeof linkId === 'string' ? this.#open.get(linkId) : undefined;
    if (entry === undefined) return err('INVALID_ARGUMENT', 'no link is waiting for this answer (it was answered, or it expired)');
    clearTimeout(entry.timer);
    this.#open.delete(linkId);
    return entry.approval.finish(accept === true, timeoutMs);
  }

  stop(): void {
    for (const id of [...this.#open.keys()]) this.#drop(id);
  }

  #drop(linkId: string): void {
    const entry = this.#open.get(linkId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#open.delete(linkId);
    entry.approval.cancel();
  }
}
