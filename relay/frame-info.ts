// The reqId and topic an ERROR should carry, read from a decoded frame or peeked from raw bytes
// (for frames the relay refuses before decoding: rate-limited or too large).
import { FrameType, PROTOCOL_VERSION } from '../src/shared/frames.js';
import type { ClientFrame } from '../src/shared/frames.js';
import type { TopicId } from '../src/shared/ids.js';
import { TOPIC_ID_BYTES } from '../src/shared/ids.js';

export type FrameHeader = { reqId: number; topic: TopicId | null };

export const NO_HEADER: FrameHeader = { reqId: 0, topic: null };

export function reqIdOf(frame: ClientFrame): number {
  return 'reqId' in frame ? frame.reqId : 0;
}

export function topicOf(frame: ClientFrame): TopicId | null {
  return 'topic' in frame ? frame.topic : null;
}

const REQ_ID_FIRST = new Set<number>([
  FrameType.OpenTopic,
  FrameType.Subscribe,
  FrameType.Unsubscribe,
  FrameType.Publish,
  FrameType.Register,
  FrameType.Unregister,
  FrameType.PutRecord,
  FrameType.GetRecord,
  FrameType.CloseTopic,
]);
const TOPIC_AFTER_REQ_ID = new Set<number>([FrameType.Subscribe, FrameType.Unsubscribe, FrameType.Publish, FrameType.Register, FrameType.Unregister, FrameType.CloseTopic]);
const TOPIC_FIRST = new Set<number>([FrameType.Ack, FrameType.Ephemeral, FrameType.Direct]);

/** Best effort: reqId 0 and topic null whenever the bytes do not clearly hold them. The topic is a
 *  view into `bytes`. */
export function peekHeader(bytes: Uint8Array): FrameHeader {
  if (bytes.length < 3 || bytes[0] !== PROTOCOL_VERSION) return NO_HEADER;
  const type = bytes[1]!;
  let pos = 2;
  let reqId = 0;
  if (REQ_ID_FIRST.has(type)) {
    let shift = 1;
    for (let i = 0; ; i++) {
      // Seven varUint bytes cover every reqId a client can sensibly use; longer means garbage.
      if (pos >= bytes.length || i === 7) return NO_HEADER;
      const b = bytes[pos++]!;
      reqId += (b & 0x7f) * shift;
      shift *= 128;
      if (b < 0x80) break;
    }
  }
  const hasTopic = TOPIC_FIRST.has(type) || TOPIC_AFTER_REQ_ID.has(type);
  const topic = hasTopic && bytes.length >= pos + TOPIC_ID_BYTES ? (bytes.subarray(pos, pos + TOPIC_ID_BYTES) as TopicId) : null;
  return { reqId, topic };
}
