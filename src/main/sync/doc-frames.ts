// Frames on a doc's topic from other devices, after the relay: a stored update is opened and its sender checked
// against the doc's members (refetching their device lists once for an unknown device) before it is applied;
// a DIRECT frame carries targeted sync (step 1 answered, step 2 applied) or the framing of a backfill answer.
import { openEnvelope } from '../../shared/crypto/envelope.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { decodeAppMessage } from '../../shared/docs/app-message.js';
import { decodeBackfillMessage } from '../../shared/docs/backfill-message.js';
import type { DirectInFrame, UpdateFrame } from '../../shared/frames.js';
import type { TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import type { Backfill } from './backfill.js';
import type { Convergence } from './convergence.js';
import type { DocRegistry, DocSpec } from './doc-registry.js';
import type { SyncPolicy } from './engine-options.js';
import type { Step } from './inbound.js';
import type { CoreLogger } from './logger.js';

export type DocFramesDeps = {
  sodium: Sodium;
  policy: SyncPolicy;
  log: CoreLogger;
  registry: DocRegistry;
  convergence: Convergence;
  backfill: Backfill;
  stopped(): boolean;
};

export class DocFrames {
  readonly #d: DocFramesDeps;

  constructor(deps: DocFramesDeps) {
    this.#d = deps;
  }

  /** Opens a stored update of a doc's topic and checks its sender: apply it, skip it, or stall (no relay answered). */
  decide(spec: DocSpec, f: UpdateFrame, mayRefresh = true): Step | Promise<Step> {
    const { sodium, policy, log } = this.#d;
    const opened = openEnvelope(sodium, f.payload, { expectedTopic: spec.topic, attestedSender: f.sender, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    if (!opened.ok) {
      log.warn({ topic: spec.topicHex, seq: f.seq, code: opened.code }, `dropping an envelope: ${opened.message}`);
      return { kind: 'skip' };
    }
    const sender = toHex(f.sender);
    const membership = policy.membership(spec, sender);
    if (membership === 'unknown' && mayRefresh) {
      return policy.refreshMembers(spec, sender).then((answered) => (answered ? this.decide(spec, f, false) : { kind: 'stall' }));
    }
    if (membership !== 'member') {
      log.warn({ topic: spec.topicHex, seq: f.seq, sender }, 'dropping an update from a device that is not a member');
      return { kind: 'skip' };
    }
    const msg = decodeAppMessage(opened.value.plaintext);
    if (msg.ok && msg.value.kind === 'keyEpoch') return policy.keyEpoch?.(spec, f, msg.value.body) ?? { kind: 'skip' };
    if (!msg.ok || msg.value.kind !== 'sync' || msg.value.sync === 'step1') {
      log.warn({ topic: spec.topicHex, seq: f.seq }, 'dropping a stored envelope that is no sync update');
      return { kind: 'skip' };
    }
    return { kind: 'apply', update: { doc: spec.id, update: msg.value.payload, author: msg.value.sync === 'update' ? sender : null } };
  }

  /** A DIRECT frame on a doc's topic: a peer's step 1 (answered), step 2 or update (applied), or backfill framing. */
  async direct(url: string, f: DirectInFrame): Promise<void> {
    const { sodium, policy, log } = this.#d;
    const spec = this.#d.registry.byTopic(toHex(f.topic));
    if (spec === null) return;
    const opened = openEnvelope(sodium, f.payload, { expectedTopic: spec.topic as TopicId, attestedSender: f.sender, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    if (!opened.ok) return log.warn({ topic: spec.topicHex, code: opened.code }, `dropping a direct envelope: ${opened.message}`);
    const sender = toHex(f.sender);
    let membership = policy.membership(spec, sender);
    if (membership === 'unknown' && (await policy.refreshMembers(spec, sender))) membership = policy.membership(spec, sender);
    if (this.#d.stopped()) return;
    if (membership !== 'member') return log.warn({ topic: spec.topicHex, sender }, 'ignoring a direct frame from a device that is not a member');
    const framing = decodeBackfillMessage(opened.value.plaintext);
    if (framing !== null) return this.#d.backfill.framing(spec.id, framing);
    const msg = decodeAppMessage(opened.value.plaintext);
    if (!msg.ok || msg.value.kind !== 'sync') return;
    if (msg.value.sync === 'step1') return this.#d.convergence.answer(url, spec, f.sender, msg.value.payload);
    try {
      this.#d.registry.remote([{ doc: spec.id, update: msg.value.payload, author: msg.value.sync === 'update' ? sender : null }]);
      if (msg.value.sync === 'step2') {
        this.#d.convergence.answered(url, spec);
        this.#d.backfill.chunk(spec.id);
      }
    } catch (e) {
      log.warn({ topic: spec.topicHex, sender }, `a synced update does not apply: ${(e as Error).message}`);
    }
  }
}
