// The pure parts of the WebRTC bridge: receive-slot assignment with sequence/timestamp continuity
// (including wrap-around), and the ICE settings derived from the voice config (port range, which
// candidate addresses an answer keeps).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReceiveSlots, SLOT_IDLE_MS } from '../src/voice/webrtc/ReceiveSlots.ts';
import { iceOptionsFor, keepCandidates } from '../src/voice/webrtc/iceOptions.ts';

describe('ReceiveSlots', () => {
  it('gives each speaker its own slot and passes its RTP fields through on a fresh slot', () => {
    const slots = new ReceiveSlots(2);
    expect(slots.map(111, 10, 1000, 0)).toEqual({ slot: 0, sequence: 10, timestamp: 1000 });
    expect(slots.map(222, 500, 9000, 5)).toEqual({ slot: 1, sequence: 500, timestamp: 9000 });
    expect(slots.map(111, 11, 1960, 20)).toEqual({ slot: 0, sequence: 11, timestamp: 1960 });
    expect(slots.owners()).toEqual([111, 222]);
  });

  it('drops a third speaker while both slots are busy, then hands it the slot idle longest', () => {
    const slots = new ReceiveSlots(2);
    slots.map(111, 10, 1000, 0);
    slots.map(222, 500, 9000, 100);
    expect(slots.map(333, 7, 70, 200)).toBeNull();
    const t = SLOT_IDLE_MS + 50;
    const handed = slots.map(333, 7, 70, t);
    expect(handed?.slot).toBe(0);
    // Continues slot 0's stream: next sequence, timestamp advanced by the wall-clock gap.
    expect(handed?.sequence).toBe(11);
    expect(handed?.timestamp).toBe(1000 + t * 48);
    expect(slots.owners()).toEqual([333, 222]);
    // The evicted speaker comes back while both are busy: dropped.
    expect(slots.map(111, 12, 2000, t + 10)).toBeNull();
  });

  it('a released slot is reused before any busy one, and continuity wraps at 16/32 bits', () => {
    const slots = new ReceiveSlots(2);
    slots.map(111, 0xffff, 0xffffff00, 0);
    slots.map(222, 1, 1, 1);
    slots.release(111);
    const next = slots.map(333, 40_000, 5, 2);
    expect(next).toEqual({ slot: 0, sequence: 0, timestamp: (0xffffff00 + 960) >>> 0 });
  });

  it('reports owner changes: the evicted owner released before the new one holds, then release and releaseAll', () => {
    const events: string[] = [];
    const slots = new ReceiveSlots(2, (slot, speaker, held) => events.push(`${String(slot)}:${String(speaker)}:${held ? 'held' : 'free'}`));
    slots.map(111, 1, 1, 0);
    slots.map(111, 2, 961, 20);
    slots.map(222, 1, 1, 30);
    expect(events).toEqual(['0:111:held', '1:222:held']);
    slots.map(333, 1, 1, SLOT_IDLE_MS + 100);
    expect(events.slice(2)).toEqual(['0:111:free', '0:333:held']);
    expect(slots.slotOf(333)).toBe(0);
    expect(slots.slotOf(111)).toBeUndefined();
    slots.release(222);
    slots.release(222);
    expect(events.slice(4)).toEqual(['1:222:free']);
    slots.map(444, 1, 1, SLOT_IDLE_MS + 200);
    slots.releaseAll();
    expect(events.slice(5).sort()).toEqual(['0:333:free', '1:444:free', '1:444:held']);
    expect(slots.owners()).toEqual([0, 0]);
  });

  it('per slot, output sequence numbers always advance by one (any speakers, gaps and times)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ who: fc.integer({ min: 1, max: 4 }), gapMs: fc.integer({ min: 0, max: 1500 }) }), { minLength: 1, maxLength: 200 }),
      (events) => {
        const slots = new ReceiveSlots(2);
        const inSeq = new Map<number, number>();
        const lastOut = new Map<number, number>();
        let now = 0;
        for (const e of events) {
          now += e.gapMs;
          const seq = ((inSeq.get(e.who) ?? e.who * 1000) + 1) & 0xffff;
          inSeq.set(e.who, seq);
          const out = slots.map(e.who, seq, seq * 960, now);
          if (out === null) continue;
          const prev = lastOut.get(out.slot);
          if (prev !== undefined && ((out.sequence - prev) & 0xffff) !== 1) return false;
          lastOut.set(out.slot, out.sequence);
        }
        return true;
      },
    ));
  });
});

describe('ICE options from the voice config', () => {
  it('uses VOICE_UDP_PORT+1..VOICE_UDP_PORT_MAX, and no range without a max', () => {
    expect(iceOptionsFor({ host: '0.0.0.0', publicIp: '203.0.113.7', udpPort: 50000, udpPortMax: 50100 }).portRange).toEqual([50001, 50100]);
    expect(iceOptionsFor({ host: '0.0.0.0', publicIp: '203.0.113.7', udpPort: 50000, udpPortMax: null }).portRange).toBeUndefined();
    expect(iceOptionsFor({ host: '0.0.0.0', publicIp: '203.0.113.7', udpPort: 0, udpPortMax: null }).portRange).toBeUndefined();
  });

  it('adds 127.0.0.1 and the public IP as host addresses; a specific bind address limits the answer to it and the public IP', () => {
    const wildcard = iceOptionsFor({ host: '0.0.0.0', publicIp: '203.0.113.7', udpPort: 0, udpPortMax: null });
    expect(wildcard.hostAddresses).toEqual(['203.0.113.7', '127.0.0.1']);
    expect(wildcard.advertise).toBeNull();
    expect(wildcard.bindAddress).toBeUndefined();
    const lan = iceOptionsFor({ host: '10.1.2.3', publicIp: '203.0.113.7', udpPort: 0, udpPortMax: null });
    expect(lan.bindAddress).toBe('10.1.2.3');
    expect([...(lan.advertise ?? [])].sort()).toEqual(['10.1.2.3', '203.0.113.7']);
  });

  it('keepCandidates drops candidate lines of other addresses and nothing else', () => {
    const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host', 'a=candidate:2 1 udp 2130706431 192.0.2.2 5001 typ host', 'a=mid:0', ''].join('\r\n');
    expect(keepCandidates(sdp, new Set(['127.0.0.1']))).toBe(['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host', 'a=mid:0', ''].join('\r\n'));
    expect(keepCandidates(sdp, null)).toBe(sdp);
  });
});
