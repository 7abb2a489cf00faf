import { describe, expect, it } from 'vitest';
import { decodeInvitePreview, inviteCodeFromPath } from './inviteLink.ts';

describe('invite links', () => {
  it('reads the code of /invite/CODE and nothing else', () => {
    expect(inviteCodeFromPath('/invite/hTKzmak')).toBe('hTKzmak');
    expect(inviteCodeFromPath('/invite/hTKzmak/')).toBe('hTKzmak');
    expect(inviteCodeFromPath('/invite/')).toBeNull();
    expect(inviteCodeFromPath('/invite/a/b')).toBeNull();
    expect(inviteCodeFromPath('/invite/%2e%2e')).toBeNull();
    expect(inviteCodeFromPath('/channels/1/2')).toBeNull();
  });

  it('decodes the public invite preview and drops what is malformed', () => {
    const invite = { code: 'abc', type: 0, guild: { id: '123', name: 'Raid Night', icon: null }, channel: { id: '124', name: 'general', type: 0 }, approximate_member_count: 1234, approximate_presence_count: 56 };
    expect(decodeInvitePreview(invite)).toEqual({ code: 'abc', guild: { id: '123', name: 'Raid Night', icon: null }, channelName: 'general', memberCount: 1234, onlineCount: 56 });
    expect(decodeInvitePreview({ ...invite, approximate_member_count: 'many', channel: null })).toMatchObject({ channelName: null, memberCount: null });
    expect(decodeInvitePreview({ ...invite, guild: { id: 'x', name: 'n' } })).toBeNull();
    expect(decodeInvitePreview({ code: 'abc', type: 1, channel: { id: '1', name: null, type: 3 } })).toBeNull();
    expect(decodeInvitePreview('nope')).toBeNull();
  });
});
