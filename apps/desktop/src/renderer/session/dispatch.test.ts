import { beforeEach, describe, expect, it } from 'vitest';
import { applyReady, handleDispatch } from './dispatch.ts';
import { useMemberStore } from '../state/memberStore.ts';
import { useGuildStore } from '../state/guildStore.ts';

const user = (id: string) => ({ id, username: `u${id}`, discriminator: '0', global_name: null, avatar: null });

describe('handleDispatch', () => {
  beforeEach(() => useMemberStore.getState().reset());

  it('GUILD_MEMBERS_CHUNK stores the members that decode and drops the rest', () => {
    handleDispatch('GUILD_MEMBERS_CHUNK', {
      guild_id: '10',
      members: [{ user: user('1'), roles: [] }, { user: { id: 'x' }, roles: [] }, 'junk', { user: user('2'), roles: ['bad'] }],
    });
    expect(Object.keys(useMemberStore.getState().members['10'] ?? {})).toEqual(['1']);
  });

  it('GUILD_MEMBERS_CHUNK with a guild id that is not a snowflake stores none of its members', () => {
    handleDispatch('GUILD_MEMBERS_CHUNK', { guild_id: 'general', members: [{ user: user('1'), roles: [] }] });
    expect(useMemberStore.getState().members['general']).toEqual({});
  });

  it('PRESENCE_UPDATE without activities stores an empty list', () => {
    handleDispatch('PRESENCE_UPDATE', { user: { id: '3' }, status: 'idle' });
    expect(useMemberStore.getState().presences['3']).toEqual({ status: 'idle', activities: [] });
  });
});

describe('applyReady', () => {
  it('accepts a READY whose guilds, presences and read states leave out what the decoders do not need', () => {
    const guild = { id: '20', name: 'G', owner_id: '1', roles: [], channels: [{ id: '21', type: 0, name: 'general' }], members: [{ user: user('1'), roles: [] }], member_count: 1 };
    applyReady({
      v: 9,
      user: { ...user('1'), email: null, verified: true, mfa_enabled: false, locale: 'en-US', premium_type: 0, flags: 0 },
      guilds: [guild, { id: '22', unavailable: true }],
      private_channels: [],
      relationships: [],
      session_id: 's',
      session_type: 'normal',
      resume_gateway_url: 'ws://x',
      user_settings: {},
      _trace: [],
    });
    expect(Object.keys(useGuildStore.getState().guilds)).toEqual(['20']);
    expect(useGuildStore.getState().channels['21']?.guild_id).toBe('20');
    expect(Object.keys(useMemberStore.getState().members['20'] ?? {})).toEqual(['1']);
  });
});
