import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/shared/codec.js';
import { FrameType, RecordKind } from '../src/shared/frames.js';
import type { AccountId, TopicId } from '../src/shared/ids.js';
import { peekHeader, reqIdOf, topicOf } from './frame-info.js';

const topic = new Uint8Array(32).fill(7) as TopicId;

describe('peekHeader', () => {
  it('reads reqId and topic from the bytes of frames that carry them', () => {
    expect(peekHeader(encodeFrame({ type: FrameType.Publish, reqId: 300_000, topic, payload: new Uint8Array(10) }))).toEqual({ reqId: 300_000, topic });
    expect(peekHeader(encodeFrame({ type: FrameType.Ack, topic, seq: 5 }))).toEqual({ reqId: 0, topic });
    expect(peekHeader(encodeFrame({ type: FrameType.CloseTopic, reqId: 4, topic }))).toEqual({ reqId: 4, topic });
    expect(peekHeader(encodeFrame({ type: FrameType.GetRecord, reqId: 9, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId }))).toEqual({ reqId: 9, topic: null });
  });

  it('gives up on anything it cannot read clearly', () => {
    expect(peekHeader(new Uint8Array([]))).toEqual({ reqId: 0, topic: null });
    expect(peekHeader(new Uint8Array([2, FrameType.Publish, 5]))).toEqual({ reqId: 0, topic: null }); // other version
    expect(peekHeader(new Uint8Array([1, FrameType.Publish, 0x80, 0x80]))).toEqual({ reqId: 0, topic: null }); // truncated varUint
    expect(peekHeader(new Uint8Array([1, FrameType.Publish, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1]))).toEqual({ reqId: 0, topic: null });
    expect(peekHeader(new Uint8Array([1, FrameType.Publish, 4, 1, 2]))).toEqual({ reqId: 4, topic: null }); // topic cut short
  });
});

describe('reqIdOf / topicOf', () => {
  it('read decoded frames', () => {
    expect(reqIdOf({ type: FrameType.Subscribe, reqId: 3, topic, cursor: 0 })).toBe(3);
    expect(reqIdOf({ type: FrameType.Ack, topic, seq: 1 })).toBe(0);
    expect(topicOf({ type: FrameType.Ack, topic, seq: 1 })).toBe(topic);
    expect(topicOf({ type: FrameType.PutRecord, reqId: 1, record: new Uint8Array(1) })).toBeNull();
  });
});
