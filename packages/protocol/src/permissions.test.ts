// Discord's permission algorithm, rule by rule
// (https://discord.com/developers/docs/topics/permissions). The server enforces these results and
// clients grey out controls with them, so every rule has its own table row.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  OverwriteType,
  PermissionFlags as P,
  applyImplicitPermissions,
  applyOverwrites,
  canManageMember,
  canManageRole,
  computeBasePermissions,
  computeChannelPermissions,
  hasPermission,
  highestRolePosition,
  parsePermissions,
  serializePermissions,
  type PermissionContext,
  type PermissionOverwrite,
  type PermissionRole,
} from './permissions.ts';

const GUILD_ID = '81384788765712384';
const OWNER_ID = '80351110224678912';
const MEMBER_ID = '53908232506183680';
const OTHER_MEMBER_ID = '82198898841029460';

const EVERYONE_PERMS = P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY | P.ADD_REACTIONS | P.CONNECT | P.SPEAK;

const ROLES = {
  everyone: { id: GUILD_ID, permissions: EVERYONE_PERMS, position: 0 },
  helper: { id: '41771983423143936', permissions: P.EMBED_LINKS | P.ATTACH_FILES, position: 3 },
  mod: { id: '41771983423143937', permissions: P.MANAGE_MESSAGES | P.KICK_MEMBERS, position: 5 },
  modPeer: { id: '41771983423143938', permissions: P.MANAGE_NICKNAMES, position: 5 },
  muted: { id: '41771983423143939', permissions: 0n, position: 2 },
  admin: { id: '41771983423143940', permissions: P.ADMINISTRATOR, position: 10 },
} satisfies Record<string, PermissionRole>;
type RoleName = keyof typeof ROLES;

function ctx(options: { user?: string; roles?: RoleName[]; timedOut?: boolean; withoutEveryone?: boolean; extraRoleIds?: string[] } = {}): PermissionContext {
  const roles = new Map<string, PermissionRole>(Object.values(ROLES).map((r) => [r.id, r]));
  if (options.withoutEveryone) roles.delete(GUILD_ID);
  return {
    guildId: GUILD_ID,
    ownerId: OWNER_ID,
    roles,
    userId: options.user ?? MEMBER_ID,
    memberRoleIds: [...(options.roles ?? []).map((name) => ROLES[name].id), ...(options.extraRoleIds ?? [])],
    ...(options.timedOut === undefined ? {} : { timedOut: options.timedOut }),
  };
}

const everyoneOverwrite = (allow: bigint, deny: bigint): PermissionOverwrite => ({ id: GUILD_ID, type: OverwriteType.ROLE, allow, deny });
const roleOverwrite = (role: RoleName, allow: bigint, deny: bigint): PermissionOverwrite => ({ id: ROLES[role].id, type: OverwriteType.ROLE, allow, deny });
const memberOverwrite = (userId: string, allow: bigint, deny: bigint): PermissionOverwrite => ({ id: userId, type: OverwriteType.MEMBER, allow, deny });

/** Lists flag names so that a failing row says which permissions differ, not two large integers. */
function names(bits: bigint): string[] {
  return Object.entries(P)
    .filter(([, flag]) => (bits & flag) === flag)
    .map(([name]) => name)
    .sort();
}

describe('permission flag values', () => {
  // Decimal values as published in Discord's permission table, not recomputed from shifts.
  it.each([
    ['CREATE_INSTANT_INVITE', '1'],
    ['KICK_MEMBERS', '2'],
    ['BAN_MEMBERS', '4'],
    ['ADMINISTRATOR', '8'],
    ['MANAGE_CHANNELS', '16'],
    ['MANAGE_GUILD', '32'],
    ['ADD_REACTIONS', '64'],
    ['VIEW_AUDIT_LOG', '128'],
    ['PRIORITY_SPEAKER', '256'],
    ['STREAM', '512'],
    ['VIEW_CHANNEL', '1024'],
    ['SEND_MESSAGES', '2048'],
    ['SEND_TTS_MESSAGES', '4096'],
    ['MANAGE_MESSAGES', '8192'],
    ['EMBED_LINKS', '16384'],
    ['ATTACH_FILES', '32768'],
    ['READ_MESSAGE_HISTORY', '65536'],
    ['MENTION_EVERYONE', '131072'],
    ['CONNECT', '1048576'],
    ['SPEAK', '2097152'],
    ['MANAGE_ROLES', '268435456'],
    ['MANAGE_WEBHOOKS', '536870912'],
    ['USE_APPLICATION_COMMANDS', '2147483648'],
    ['MANAGE_THREADS', '17179869184'],
    ['MODERATE_MEMBERS', '1099511627776'],
    ['SEND_VOICE_MESSAGES', '70368744177664'],
    ['SEND_POLLS', '562949953421312'],
    ['USE_EXTERNAL_APPS', '1125899906842624'],
  ] as const)('%s is %s', (name, decimal) => {
    expect(P[name].toString()).toBe(decimal);
  });

  it('gives every flag its own single bit and ALL_PERMISSIONS their union', () => {
    const flags = Object.values(P);
    for (const flag of flags) expect(flag & (flag - 1n)).toBe(0n);
    expect(new Set(flags).size).toBe(flags.length);
    expect(ALL_PERMISSIONS).toBe(flags.reduce((a, b) => a | b, 0n));
  });

  it('gives @everyone no moderation or administration permission by default', () => {
    const dangerous = P.ADMINISTRATOR | P.MANAGE_GUILD | P.MANAGE_CHANNELS | P.MANAGE_ROLES | P.MANAGE_MESSAGES | P.KICK_MEMBERS | P.BAN_MEMBERS | P.MODERATE_MEMBERS | P.MANAGE_WEBHOOKS;
    expect(names(DEFAULT_EVERYONE_PERMISSIONS & dangerous)).toEqual([]);
    expect(hasPermission(DEFAULT_EVERYONE_PERMISSIONS, P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY)).toBe(true);
  });
});

describe('computeBasePermissions', () => {
  it.each<{ rule: string; context: PermissionContext; expected: bigint }>([
    { rule: 'the owner gets every permission even without roles', context: ctx({ user: OWNER_ID }), expected: ALL_PERMISSIONS },
    { rule: 'the owner gets every permission when the guild has no @everyone role', context: ctx({ user: OWNER_ID, withoutEveryone: true }), expected: ALL_PERMISSIONS },
    { rule: 'a member without roles gets exactly @everyone', context: ctx(), expected: EVERYONE_PERMS },
    { rule: 'a role adds to @everyone', context: ctx({ roles: ['helper'] }), expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES },
    {
      rule: 'several roles are united',
      context: ctx({ roles: ['helper', 'mod', 'modPeer'] }),
      expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES | P.MANAGE_MESSAGES | P.KICK_MEMBERS | P.MANAGE_NICKNAMES,
    },
    { rule: 'a role with no permissions takes nothing away', context: ctx({ roles: ['muted'] }), expected: EVERYONE_PERMS },
    { rule: 'role ids the guild does not have are ignored', context: ctx({ roles: ['helper'], extraRoleIds: ['999999999999999999'] }), expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES },
    { rule: 'a guild without an @everyone role contributes nothing', context: ctx({ roles: ['mod'], withoutEveryone: true }), expected: P.MANAGE_MESSAGES | P.KICK_MEMBERS },
    { rule: 'ADMINISTRATOR from any role grants every permission', context: ctx({ roles: ['admin'] }), expected: ALL_PERMISSIONS },
    {
      rule: 'a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY',
      context: ctx({ roles: ['mod', 'helper'], timedOut: true }),
      expected: P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY,
    },
    { rule: 'a timeout does not add VIEW_CHANNEL the roles lack', context: ctx({ roles: ['mod'], withoutEveryone: true, timedOut: true }), expected: 0n },
    { rule: 'a timed-out administrator keeps every permission', context: ctx({ roles: ['admin'], timedOut: true }), expected: ALL_PERMISSIONS },
    { rule: 'a timed-out owner keeps every permission', context: ctx({ user: OWNER_ID, timedOut: true }), expected: ALL_PERMISSIONS },
    { rule: 'timedOut: false changes nothing', context: ctx({ roles: ['mod'], timedOut: false }), expected: EVERYONE_PERMS | P.MANAGE_MESSAGES | P.KICK_MEMBERS },
  ])('$rule', ({ context, expected }) => {
    expect(names(computeBasePermissions(context))).toEqual(names(expected));
    expect(computeBasePermissions(context)).toBe(expected);
  });
});

describe('computeChannelPermissions', () => {
  it.each<{ rule: string; context: PermissionContext; overwrites: PermissionOverwrite[]; voice?: boolean; expected: bigint }>([
    // Owner and ADMINISTRATOR
    {
      rule: 'the owner ignores overwrites that deny everything',
      context: ctx({ user: OWNER_ID }),
      overwrites: [everyoneOverwrite(0n, ALL_PERMISSIONS), memberOverwrite(OWNER_ID, 0n, ALL_PERMISSIONS)],
      expected: ALL_PERMISSIONS,
    },
    {
      rule: 'ADMINISTRATOR bypasses @everyone, role and member denies',
      context: ctx({ roles: ['admin', 'muted'] }),
      overwrites: [everyoneOverwrite(0n, P.VIEW_CHANNEL), roleOverwrite('muted', 0n, ALL_PERMISSIONS), memberOverwrite(MEMBER_ID, 0n, ALL_PERMISSIONS)],
      expected: ALL_PERMISSIONS,
    },
    // No overwrites
    { rule: 'without overwrites a member gets the base permissions', context: ctx({ roles: ['helper'] }), overwrites: [], expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES },
    // @everyone overwrite
    { rule: 'an @everyone deny removes a base permission', context: ctx(), overwrites: [everyoneOverwrite(0n, P.ADD_REACTIONS)], expected: EVERYONE_PERMS & ~P.ADD_REACTIONS },
    { rule: 'an @everyone allow adds a permission', context: ctx(), overwrites: [everyoneOverwrite(P.MANAGE_THREADS, 0n)], expected: EVERYONE_PERMS | P.MANAGE_THREADS },
    {
      rule: 'within the @everyone overwrite, allow wins over deny of the same bit',
      context: ctx(),
      overwrites: [everyoneOverwrite(P.MANAGE_THREADS | P.ADD_REACTIONS, P.MANAGE_THREADS | P.ADD_REACTIONS)],
      expected: EVERYONE_PERMS | P.MANAGE_THREADS,
    },
    // Role overwrites
    {
      rule: 'a role allow beats an @everyone deny',
      context: ctx({ roles: ['mod'] }),
      overwrites: [everyoneOverwrite(0n, P.SEND_MESSAGES), roleOverwrite('mod', P.SEND_MESSAGES, 0n)],
      expected: EVERYONE_PERMS | P.MANAGE_MESSAGES | P.KICK_MEMBERS,
    },
    {
      rule: 'a role deny beats an @everyone allow',
      context: ctx({ roles: ['muted'] }),
      overwrites: [everyoneOverwrite(P.ADD_REACTIONS, 0n), roleOverwrite('muted', 0n, P.ADD_REACTIONS)],
      expected: EVERYONE_PERMS & ~P.ADD_REACTIONS,
    },
    {
      rule: "one role's allow beats another role's deny (deny applied first, overwrite listed first)",
      context: ctx({ roles: ['muted', 'helper'] }),
      overwrites: [roleOverwrite('muted', 0n, P.SEND_MESSAGES), roleOverwrite('helper', P.SEND_MESSAGES, 0n)],
      expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES,
    },
    {
      rule: "one role's allow beats another role's deny (deny applied first, overwrite listed last)",
      context: ctx({ roles: ['muted', 'helper'] }),
      overwrites: [roleOverwrite('helper', P.SEND_MESSAGES, 0n), roleOverwrite('muted', 0n, P.SEND_MESSAGES)],
      expected: EVERYONE_PERMS | P.EMBED_LINKS | P.ATTACH_FILES,
    },
    {
      rule: 'role overwrites of roles the member lacks are ignored',
      context: ctx(),
      overwrites: [roleOverwrite('muted', 0n, P.SEND_MESSAGES), roleOverwrite('mod', P.MANAGE_MESSAGES, 0n)],
      expected: EVERYONE_PERMS,
    },
    {
      rule: 'a member overwrite whose id is a role id does not apply as a role overwrite',
      context: ctx({ roles: ['muted'] }),
      overwrites: [{ id: ROLES.muted.id, type: OverwriteType.MEMBER, allow: 0n, deny: P.SEND_MESSAGES }],
      expected: EVERYONE_PERMS,
    },
    {
      rule: "a role overwrite whose id is the member's id does not apply as a member overwrite",
      context: ctx(),
      overwrites: [{ id: MEMBER_ID, type: OverwriteType.ROLE, allow: 0n, deny: P.SEND_MESSAGES }],
      expected: EVERYONE_PERMS,
    },
    // Member overwrite
    {
      rule: 'a member deny beats a role allow',
      context: ctx({ roles: ['mod'] }),
      overwrites: [roleOverwrite('mod', P.MANAGE_THREADS, 0n), memberOverwrite(MEMBER_ID, 0n, P.MANAGE_THREADS | P.KICK_MEMBERS)],
      expected: EVERYONE_PERMS | P.MANAGE_MESSAGES,
    },
    {
      rule: 'a member allow beats a role deny and an @everyone deny',
      context: ctx({ roles: ['muted'] }),
      overwrites: [everyoneOverwrite(0n, P.SEND_MESSAGES), roleOverwrite('muted', 0n, P.SEND_MESSAGES), memberOverwrite(MEMBER_ID, P.SEND_MESSAGES, 0n)],
      expected: EVERYONE_PERMS,
    },
    {
      rule: 'within the member overwrite, allow wins over deny of the same bit',
      context: ctx({ roles: ['muted'] }),
      overwrites: [roleOverwrite('muted', 0n, P.ADD_REACTIONS), memberOverwrite(MEMBER_ID, P.ADD_REACTIONS | P.MANAGE_THREADS, P.ADD_REACTIONS | P.MANAGE_THREADS)],
      expected: EVERYONE_PERMS | P.MANAGE_THREADS,
    },
    {
      rule: "another member's overwrite does not apply",
      context: ctx(),
      overwrites: [memberOverwrite(OTHER_MEMBER_ID, 0n, P.SEND_MESSAGES)],
      expected: EVERYONE_PERMS,
    },
    // Implicit permissions
    {
      rule: 'without VIEW_CHANNEL a member has no permissions at all',
      context: ctx({ roles: ['mod'] }),
      overwrites: [everyoneOverwrite(0n, P.VIEW_CHANNEL), roleOverwrite('mod', P.MANAGE_MESSAGES | P.SEND_MESSAGES, 0n)],
      expected: 0n,
    },
    {
      rule: 'without SEND_MESSAGES a text channel drops EMBED_LINKS, ATTACH_FILES, MENTION_EVERYONE and SEND_TTS_MESSAGES',
      context: ctx({ roles: ['helper'] }),
      overwrites: [everyoneOverwrite(P.MENTION_EVERYONE | P.SEND_TTS_MESSAGES, P.SEND_MESSAGES)],
      expected: P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY | P.ADD_REACTIONS | P.CONNECT | P.SPEAK,
    },
    {
      rule: 'without SEND_MESSAGES a voice channel keeps the text permissions',
      context: ctx({ roles: ['helper'] }),
      overwrites: [everyoneOverwrite(0n, P.SEND_MESSAGES)],
      voice: true,
      expected: (EVERYONE_PERMS & ~P.SEND_MESSAGES) | P.EMBED_LINKS | P.ATTACH_FILES,
    },
    {
      rule: 'without CONNECT a voice channel drops SPEAK, STREAM, USE_VAD, PRIORITY_SPEAKER, MUTE/DEAFEN/MOVE_MEMBERS',
      context: ctx(),
      overwrites: [
        everyoneOverwrite(P.STREAM | P.USE_VAD | P.PRIORITY_SPEAKER | P.MUTE_MEMBERS | P.DEAFEN_MEMBERS | P.MOVE_MEMBERS, P.CONNECT),
      ],
      voice: true,
      expected: P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY | P.ADD_REACTIONS,
    },
    {
      rule: 'without CONNECT a text channel keeps the voice permissions',
      context: ctx(),
      overwrites: [everyoneOverwrite(0n, P.CONNECT)],
      expected: EVERYONE_PERMS & ~P.CONNECT,
    },
    // Timeouts
    {
      rule: 'a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY even when overwrites allow more',
      context: ctx({ roles: ['mod'], timedOut: true }),
      overwrites: [roleOverwrite('mod', P.SEND_MESSAGES | P.MANAGE_THREADS, 0n), memberOverwrite(MEMBER_ID, P.ADD_REACTIONS | P.CONNECT, 0n)],
      expected: P.VIEW_CHANNEL | P.READ_MESSAGE_HISTORY,
    },
    {
      rule: 'a timed-out member denied VIEW_CHANNEL has nothing',
      context: ctx({ timedOut: true }),
      overwrites: [everyoneOverwrite(0n, P.VIEW_CHANNEL)],
      expected: 0n,
    },
    {
      rule: 'a timed-out administrator keeps every permission in a channel',
      context: ctx({ roles: ['admin'], timedOut: true }),
      overwrites: [everyoneOverwrite(0n, P.VIEW_CHANNEL)],
      expected: ALL_PERMISSIONS,
    },
  ])('$rule', ({ context, overwrites, voice, expected }) => {
    const actual = computeChannelPermissions(context, overwrites, voice ?? false);
    expect(names(actual)).toEqual(names(expected));
    expect(actual).toBe(expected);
  });

  it('applyOverwrites returns every permission for an ADMINISTRATOR base', () => {
    expect(applyOverwrites(P.ADMINISTRATOR, ctx(), [everyoneOverwrite(0n, ALL_PERMISSIONS)])).toBe(ALL_PERMISSIONS);
  });

  it('applyImplicitPermissions leaves an ADMINISTRATOR set untouched even without VIEW_CHANNEL', () => {
    expect(applyImplicitPermissions(P.ADMINISTRATOR, false)).toBe(P.ADMINISTRATOR);
  });

  it('never grants more than base | overwrite allows, and keeps member allows, for arbitrary overwrites', () => {
    // Permissions that implicit rules may drop again after the member overwrite.
    const DEPENDENT = P.SEND_TTS_MESSAGES | P.MENTION_EVERYONE | P.EMBED_LINKS | P.ATTACH_FILES | P.SPEAK | P.MUTE_MEMBERS | P.DEAFEN_MEMBERS | P.MOVE_MEMBERS | P.USE_VAD | P.PRIORITY_SPEAKER | P.STREAM;
    const bits = fc.bigInt({ min: 0n, max: ALL_PERMISSIONS }).map((b) => b & ALL_PERMISSIONS & ~P.ADMINISTRATOR);
    fc.assert(
      fc.property(bits, bits, bits, bits, bits, fc.boolean(), (everyoneAllow, everyoneDeny, roleAllow, roleDeny, memberAllow, voice) => {
        const context = ctx({ roles: ['helper', 'mod'] });
        const overwrites = [everyoneOverwrite(everyoneAllow, everyoneDeny), roleOverwrite('mod', roleAllow, roleDeny), memberOverwrite(MEMBER_ID, memberAllow, 0n)];
        const actual = computeChannelPermissions(context, overwrites, voice);
        const ceiling = computeBasePermissions(context) | everyoneAllow | roleAllow | memberAllow;
        expect(actual & ~ceiling).toBe(0n);
        if ((actual & P.VIEW_CHANNEL) !== 0n) expect(actual & memberAllow & ~DEPENDENT).toBe(memberAllow & ~DEPENDENT);
        else expect(actual).toBe(0n);
      }),
      { numRuns: 500 },
    );
  });
});

describe('hasPermission', () => {
  it.each<{ rule: string; permissions: bigint; flag: bigint; expected: boolean }>([
    { rule: 'a set flag is held', permissions: P.SEND_MESSAGES | P.VIEW_CHANNEL, flag: P.SEND_MESSAGES, expected: true },
    { rule: 'a missing flag is not held', permissions: P.VIEW_CHANNEL, flag: P.SEND_MESSAGES, expected: false },
    { rule: 'a combined flag needs every bit', permissions: P.VIEW_CHANNEL, flag: P.VIEW_CHANNEL | P.SEND_MESSAGES, expected: false },
    { rule: 'ADMINISTRATOR holds every flag', permissions: P.ADMINISTRATOR, flag: P.BAN_MEMBERS | P.MODERATE_MEMBERS, expected: true },
  ])('$rule', ({ permissions, flag, expected }) => {
    expect(hasPermission(permissions, flag)).toBe(expected);
  });
});

describe('role hierarchy', () => {
  it('takes the highest position among the member roles, 0 with only @everyone', () => {
    expect(highestRolePosition(ctx())).toBe(0);
    expect(highestRolePosition(ctx({ roles: ['helper', 'mod', 'muted'] }))).toBe(5);
    expect(highestRolePosition(ctx({ roles: ['muted'], extraRoleIds: ['999999999999999999'] }))).toBe(2);
  });

  it.each<{ rule: string; actor: PermissionContext; role: RoleName; expected: boolean }>([
    { rule: 'a member manages a role strictly below their highest role', actor: ctx({ roles: ['mod'] }), role: 'helper', expected: true },
    { rule: 'a member cannot manage a role at the same position as their highest', actor: ctx({ roles: ['mod'] }), role: 'modPeer', expected: false },
    { rule: 'a member cannot manage their own highest role', actor: ctx({ roles: ['mod'] }), role: 'mod', expected: false },
    { rule: 'a member cannot manage a role above their highest', actor: ctx({ roles: ['helper'] }), role: 'mod', expected: false },
    { rule: 'the highest of several roles counts', actor: ctx({ roles: ['muted', 'mod'] }), role: 'helper', expected: true },
    { rule: 'a member with only @everyone manages no role, not even @everyone', actor: ctx(), role: 'everyone', expected: false },
    { rule: 'ADMINISTRATOR does not exempt from the hierarchy', actor: ctx({ roles: ['admin'] }), role: 'admin', expected: false },
    { rule: 'the owner manages any role, even the top one, without roles', actor: ctx({ user: OWNER_ID }), role: 'admin', expected: true },
  ])('canManageRole: $rule', ({ actor, role, expected }) => {
    expect(canManageRole(actor, ROLES[role])).toBe(expected);
  });

  const target = (userId: string, roles: RoleName[] = []) => ({ userId, memberRoleIds: roles.map((r) => ROLES[r].id) });

  it.each<{ rule: string; actor: PermissionContext; target: { userId: string; memberRoleIds: string[] }; expected: boolean }>([
    { rule: 'a higher member manages a lower one', actor: ctx({ roles: ['mod'] }), target: target(OTHER_MEMBER_ID, ['helper']), expected: true },
    { rule: 'a member with a role manages a member without roles', actor: ctx({ roles: ['muted'] }), target: target(OTHER_MEMBER_ID), expected: true },
    { rule: 'members at equal positions cannot manage each other', actor: ctx({ roles: ['mod'] }), target: target(OTHER_MEMBER_ID, ['modPeer']), expected: false },
    { rule: 'two members without roles cannot manage each other', actor: ctx(), target: target(OTHER_MEMBER_ID), expected: false },
    { rule: 'a lower member cannot manage a higher one', actor: ctx({ roles: ['helper'] }), target: target(OTHER_MEMBER_ID, ['mod']), expected: false },
    { rule: "the target's highest role counts, not its lowest", actor: ctx({ roles: ['mod'] }), target: target(OTHER_MEMBER_ID, ['helper', 'admin']), expected: false },
    { rule: 'the owner manages anyone', actor: ctx({ user: OWNER_ID }), target: target(OTHER_MEMBER_ID, ['admin']), expected: true },
    { rule: 'nobody manages the owner, not even the top administrator', actor: ctx({ roles: ['admin'] }), target: target(OWNER_ID), expected: false },
    { rule: 'the owner is untouchable even by the owner', actor: ctx({ user: OWNER_ID }), target: target(OWNER_ID), expected: false },
  ])('canManageMember: $rule', ({ actor, target: t, expected }) => {
    expect(canManageMember(actor, t)).toBe(expected);
  });
});

describe('parsePermissions', () => {
  it.each<[string, unknown, bigint]>([
    ['"0"', '0', 0n],
    ['"8"', '8', 8n],
    ['"1099511627776" (MODERATE_MEMBERS)', '1099511627776', P.MODERATE_MEMBERS],
    ['the largest u64 as a string', '18446744073709551615', 2n ** 64n - 1n],
    ['a leading-zero string', '0008', 8n],
    ['the safe integer 2048', 2048, P.SEND_MESSAGES],
    ['0', 0, 0n],
    ['Number.MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER, 2n ** 53n - 1n],
  ])('accepts %s', (_label, value, expected) => {
    expect(parsePermissions(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['2^64 as a string', '18446744073709551616'],
    ['21 digits', '100000000000000000000'],
    ['a negative string', '-8'],
    ['a decimal string', '8.0'],
    ['hex', '0x8'],
    ['exponent notation', '1e3'],
    ['surrounding whitespace', ' 8'],
    ['a trailing newline', '8\n'],
    ['the empty string', ''],
    ['words', 'ADMINISTRATOR'],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
    ['a bigint', 8n],
    ['null', null],
    ['undefined', undefined],
    ['an array', ['8']],
    ['an object', { valueOf: () => 8 }],
  ])('rejects %s', (_label, value) => {
    expect(parsePermissions(value)).toBeNull();
  });

  it('parses what serializePermissions writes, for any u64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (bits) => {
        const wire = serializePermissions(bits);
        expect(wire).toMatch(/^\d+$/);
        expect(parsePermissions(wire)).toBe(bits);
      }),
      { numRuns: 500 },
    );
  });
});
