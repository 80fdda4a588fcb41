import { describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { binaryFrame, chooseWire, RAW_WIRE } from './wire.js';

function parse(frame: Buffer): { fin: boolean; opcode: number; masked: boolean; payload: Buffer } {
  let length = frame[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  expect(frame.length).toBe(offset + length);
  return { fin: (frame[0]! & 0x80) !== 0, opcode: frame[0]! & 0x0f, masked: (frame[1]! & 0x80) !== 0, payload: frame.subarray(offset) };
}

describe('binaryFrame', () => {
  it('frames payloads with the shortest header at every length boundary', () => {
    for (const [length, header] of [[0, 2], [125, 2], [126, 4], [65535, 4], [65536, 10], [70000, 10]] as const) {
      const data = new Uint8Array(length).map((_, i) => i & 0xff);
      const frame = binaryFrame(data);
      expect(frame.length - length).toBe(header);
      const parsed = parse(frame);
      expect(parsed).toMatchObject({ fin: true, opcode: 2, masked: false });
      expect(parsed.payload.equals(Buffer.from(data))).toBe(true);
    }
  });

  it('ws 8 has the frame writer the relay uses', () => {
    expect(chooseWire()).toBe(RAW_WIRE);
    expect(typeof (wsModule as unknown as { Sender: { prototype: { sendFrame: unknown } } }).Sender.prototype.sendFrame).toBe('function');
  });
});
