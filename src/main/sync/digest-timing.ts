// Timing of convergence digests (src/main/sync/digests.ts): when a chat's digest is announced, answered and repaired.
import type { RepairTiming } from './digest-repairs.js';

export type DigestTiming = RepairTiming & {
  /** A changed doc is announced after this much quiet... */
  quietMs: number;
  /** ...but at most this long after its first unannounced change (a chat that never goes quiet). */
  maxWaitMs: number;
  /** Least time between two announcements of one chat by this device. */
  minIntervalMs: number;
  /** Answers to asking digests are coalesced over this long. */
  answerDelayMs: number;
  /** A differing digest that does not ask is answered only if this device last announced longer ago than this. */
  reannounceMs: number;
  /** No step 1 goes to a device whose last digest is older than this (it is probably offline). */
  peerFreshMs: number;
  /** chatSyncStatus asks again for unheard devices at most this often. */
  askAgainMs: number;
};

export const DIGEST_TIMING: DigestTiming = {
  quietMs: 500,
  maxWaitMs: 5000,
  minIntervalMs: 1000,
  answerDelayMs: 150,
  reannounceMs: 10_000,
  repairQuietMs: 1500,
  repairBackoffMs: 2000,
  repairMaxMs: 120_000,
  peerFreshMs: 300_000,
  askAgainMs: 10_000,
};
