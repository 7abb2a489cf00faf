import { describe, expect, it } from 'vitest';
import { RING_HOLD_MS, SlotOwners, ssrcsByMid } from './SlotOwners.ts';

const ANSWER = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=recvonly',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:1', 'a=sendonly', 'a=msid:- slot1', 'a=ssrc:3000000001 cname:sfu', 'a=ssrc:3000000001 msid:- slot1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:2', 'a=sendonly', 'a=ssrc:42 cname:sfu',
  'm=audio 0 UDP/TLS/RTP/SAVPF 111', 'a=mid:3', 'a=inactive', 'a=ssrc:99999999999 cname:too-big',
  '',
].join('\r\n');

describe('ssrcsByMid', () => {
  it("maps each m-line's mid to its a=ssrc, skipping m-lines without one and out-of-range values", () => {
    expect([...ssrcsByMid(ANSWER)]).toEqual([['1', 3000000001], ['2', 42]]);
  });
  it('takes LF-only SDP and garbage', () => {
    expect([...ssrcsByMid(ANSWER.replaceAll('\r\n', '\n'))]).toEqual([['1', 3000000001], ['2', 42]]);
    expect(ssrcsByMid('nonsense').size).toBe(0);
  });
});

describe('SlotOwners', () => {
  it('op 5 gives a slot to its speaker; a new owner on the same slot replaces the old; speaking 0 keeps the owner for the tail', () => {
    const o = new SlotOwners();
    o.onSpeaking('1', 100, 1);
    expect(o.ownerOf(100)).toBe('1');
    o.onSpeaking('1', 100, 0);
    expect(o.ownerOf(100)).toBe('1');
    o.onSpeaking('2', 100, 1);
    expect(o.ownerOf(100)).toBe('2');
    expect(o.slotOf('1')).toBeUndefined();
    expect(o.slotOf('2')).toBe(100);
  });

  it('a user moving to another slot (or to none: ssrc 0) leaves the old one', () => {
    const o = new SlotOwners();
    o.onSpeaking('1', 100, 1);
    o.onSpeaking('1', 200, 1);
    expect(o.ownerOf(100)).toBeUndefined();
    expect(o.slotOf('1')).toBe(200);
    o.onSpeaking('1', 0, 1);
    expect(o.slotOf('1')).toBeUndefined();
    o.onSpeaking('3', 300, 1);
    o.onDisconnect('3');
    expect(o.ownerOf(300)).toBeUndefined();
  });

  it("rings: on while the user's slot was loud within the hold, also for the tail after op 5 said 0; without a slot, op 5 alone", () => {
    const o = new SlotOwners();
    o.onSpeaking('1', 100, 1);
    o.onSpeaking('2', 0, 1);
    expect([...o.rings(0)]).toEqual(['2']);
    o.observeLevel(100, 0.3, 1000);
    expect([...o.rings(1000)].sort()).toEqual(['1', '2']);
    o.observeLevel(100, 0.001, 1000 + RING_HOLD_MS);
    expect(o.rings(1000 + RING_HOLD_MS).has('1')).toBe(true);
    expect(o.rings(1001 + RING_HOLD_MS).has('1')).toBe(false);
    // op 5 says 0 but the tail still arrives: the ring holds until the slot has been quiet a while.
    o.observeLevel(100, 0.5, 2000);
    o.onSpeaking('1', 100, 0);
    expect(o.rings(2000).has('1')).toBe(true);
    expect(o.rings(2001 + RING_HOLD_MS).has('1')).toBe(false);
    // A new owner does not inherit the previous owner's loudness.
    o.onSpeaking('4', 100, 1);
    expect(o.rings(2000).has('4')).toBe(false);
    expect(o.rings(2000).has('1')).toBe(false);
    // op 5 without a slot stops ringing on 0; a user who left rings no more.
    o.onSpeaking('2', 0, 0);
    expect(o.rings(2000).has('2')).toBe(false);
    o.observeLevel(100, 0.5, 3000);
    expect(o.rings(3000).has('4')).toBe(true);
    o.onDisconnect('4');
    expect(o.rings(3000).size).toBe(0);
  });
});
