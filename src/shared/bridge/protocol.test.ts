import { describe, expect, it } from 'vitest';
import { callParams, encodeEvent, encodeResponse, parseRequestFrame, parseServerFrame } from './protocol.js';

describe('parseRequestFrame', () => {
  it('reads {id, method, params} with params defaulting to []', () => {
    expect(parseRequestFrame('{"id":1,"method":"whoami","params":[]}')).toEqual({ id: 1, method: 'whoami', params: [] });
    expect(parseRequestFrame('{"id":"a","method":"whoami"}')).toEqual({ id: 'a', method: 'whoami', params: [] });
    expect(parseRequestFrame('{"id":2,"method":"setProfile","params":[{"avatar":{"mime":"x","bytes":{"$bytes":"AQI="}}}]}')).toEqual({
      id: 2,
      method: 'setProfile',
      params: [{ avatar: { mime: 'x', bytes: new Uint8Array([1, 2]) } }],
    });
  });

  it('answers BAD_REQUEST, keeping a readable id', () => {
    const cases: Array<[string, number | string | null]> = [
      ['not json', null],
      ['[1,2]', null],
      ['null', null],
      ['{"id":1}', 1],
      ['{"id":2,"method":"x","params":[],"extra":true}', 2],
      ['{"id":-1,"method":"x"}', -1],
      ['{"id":3,"method":"x","params":{}}', 3],
      ['{"id":4,"method":"x","params":[1,2,3,4,5,6,7,8,9]}', 4],
      ['{"id":{},"method":"x"}', null],
    ];
    for (const [text, id] of cases) {
      const r = parseRequestFrame(text);
      expect(r, text).toMatchObject({ id, error: { ok: false, code: 'BAD_REQUEST' } });
    }
  });
});

describe('parseServerFrame', () => {
  it('reads responses and events as encoded', () => {
    expect(parseServerFrame(encodeResponse({ id: 7, result: { ok: true, value: { b: new Uint8Array([1]) } } }))).toEqual({ kind: 'response', id: 7, result: { ok: true, value: { b: new Uint8Array([1]) } } });
    expect(parseServerFrame(encodeResponse({ id: null, result: { ok: false, code: 'BAD_REQUEST', message: 'm' } }))).toEqual({ kind: 'response', id: null, result: { ok: false, code: 'BAD_REQUEST', message: 'm' } });
    expect(parseServerFrame(encodeEvent({ event: 'status', payload: { online: true } }))).toEqual({ kind: 'event', event: 'status', payload: { online: true } });
  });

  it('answers null for anything else', () => {
    for (const text of ['x', '1', '{"id":1}', '{"id":1,"result":{"ok":false}}', '{"id":1,"result":{"ok":"yes"}}']) expect(parseServerFrame(text), text).toBeNull();
  });
});

describe('callParams', () => {
  it('drops trailing undefined arguments only', () => {
    expect(callParams(['a', undefined, 'b', undefined, undefined])).toEqual(['a', undefined, 'b']);
    expect(callParams([undefined])).toEqual([]);
    expect(callParams([])).toEqual([]);
  });
});
