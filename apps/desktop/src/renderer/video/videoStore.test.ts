// The video store's pure parts: op 15's wants (videoWants: every camera, only the streams watched,
// Discord's stream-SSRC -> quality shape) and the viewer lists op 42 fills (dropped with their stream).
import { beforeEach, describe, expect, it } from 'vitest';
import { VoiceMediaSinkWantsData } from '@concord/protocol';
import { useVideoStore, videoWants } from './videoStore.ts';

describe('videoWants (op 15)', () => {
  it('asks for every camera and only the streams we watch', () => {
    const wants = videoWants({ '1': { video: 11, screen: 12 }, '2': { screen: 22 }, '3': { video: 31 } }, { '2': true });
    expect(wants).toEqual({ '11': 100, '22': 100, '31': 100 });
  });

  it('asks for nothing in an empty room, and nothing for a watched user who is not live', () => {
    expect(videoWants({}, {})).toEqual({});
    expect(videoWants({ '1': { video: 11 } }, { '1': true, '9': true })).toEqual({ '11': 100 });
  });

  it('builds what the server\'s schema accepts', () => {
    const sources = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [String(i + 1), { video: i * 2 + 1, screen: i * 2 + 2 }]));
    const watching = Object.fromEntries(Object.keys(sources).map((k) => [k, true as const]));
    const wants = videoWants(sources, watching);
    expect(Object.keys(wants)).toHaveLength(60);
    expect(VoiceMediaSinkWantsData.safeParse(wants).success).toBe(true);
  });
});

describe('stream viewers in the store (op 42)', () => {
  beforeEach(() => useVideoStore.getState().stopAll());

  it('keeps the list per streamer and drops it when their stream ends or is replaced', () => {
    const store = useVideoStore.getState();
    store.setSources('1', { screen: 12 });
    store.setStreamViewers('1', 12, ['2', '3']);
    expect(useVideoStore.getState().streamViewers['1']).toEqual({ ssrc: 12, viewerIds: ['2', '3'] });
    // The camera changing keeps the stream's list.
    store.setSources('1', { screen: 12, video: 11 });
    expect(useVideoStore.getState().streamViewers['1']?.viewerIds).toEqual(['2', '3']);
    // A new stream (another SSRC) starts without the old list.
    store.setSources('1', { screen: 13 });
    expect(useVideoStore.getState().streamViewers['1']).toBeUndefined();
    store.setStreamViewers('1', 13, ['2']);
    store.setSources('1', {});
    expect(useVideoStore.getState().streamViewers['1']).toBeUndefined();
  });

  it('an empty list removes the entry; our own list goes when we stop streaming', () => {
    const store = useVideoStore.getState();
    store.setSources('1', { screen: 12 });
    store.setStreamViewers('1', 12, ['2']);
    store.setStreamViewers('1', 12, []);
    expect(useVideoStore.getState().streamViewers['1']).toBeUndefined();
    // Our own stream: we are not in `sources` (the engine skips our own op 12).
    store.setStreamViewers('1', 12, ['2']);
    store.setStreamViewers('9', 90, ['2', '3']);
    store.setCapture('screen', null);
    expect(Object.keys(useVideoStore.getState().streamViewers)).toEqual(['1']);
  });
});
