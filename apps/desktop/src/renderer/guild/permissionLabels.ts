// Human names and descriptions for the permission editor, grouped as Discord groups them.
import { PermissionFlags, type PermissionName } from '@concord/protocol';

export interface PermissionInfo {
  name: PermissionName;
  label: string;
  description: string;
}

export interface PermissionGroup {
  title: string;
  /** Channel-level overwrites only show permissions that make sense per channel. */
  channelScoped: boolean;
  permissions: PermissionInfo[];
}

const p = (name: PermissionName, label: string, description: string): PermissionInfo => ({ name, label, description });

export const PERMISSION_GROUPS: PermissionGroup[] = [
  {
    title: 'General Server Permissions',
    channelScoped: true,
    permissions: [
      p('VIEW_CHANNEL', 'View Channels', 'Allows members to view channels by default (excluding private channels).'),
      p('MANAGE_CHANNELS', 'Manage Channels', 'Allows members to create, edit, or delete channels.'),
      p('MANAGE_ROLES', 'Manage Roles', 'Allows members to create new roles and edit or delete roles lower than their highest role.'),
      p('MANAGE_GUILD_EXPRESSIONS', 'Manage Expressions', 'Allows members to add or remove custom emoji and stickers.'),
      p('VIEW_AUDIT_LOG', 'View Audit Log', 'Allows members to view a record of who made which changes in this server.'),
      p('MANAGE_WEBHOOKS', 'Manage Webhooks', 'Allows members to create, edit, or delete webhooks.'),
      p('MANAGE_GUILD', 'Manage Server', "Allows members to change this server's name and view all invites."),
    ],
  },
  {
    title: 'Membership Permissions',
    channelScoped: false,
    permissions: [
      p('CREATE_INSTANT_INVITE', 'Create Invite', 'Allows members to invite new people to this server.'),
      p('CHANGE_NICKNAME', 'Change Nickname', 'Allows members to change their own nickname.'),
      p('MANAGE_NICKNAMES', 'Manage Nicknames', 'Allows members to change the nicknames of other members.'),
      p('KICK_MEMBERS', 'Kick Members', 'Allows members to remove other members from this server.'),
      p('BAN_MEMBERS', 'Ban Members', 'Allows members to permanently ban other members from this server.'),
      p('MODERATE_MEMBERS', 'Timeout Members', 'Allows members to time out others, preventing them from chatting or reacting.'),
    ],
  },
  {
    title: 'Text Channel Permissions',
    channelScoped: true,
    permissions: [
      p('SEND_MESSAGES', 'Send Messages', 'Allows members to send messages in text channels.'),
      p('EMBED_LINKS', 'Embed Links', 'Allows links that members share to show embedded content.'),
      p('ATTACH_FILES', 'Attach Files', 'Allows members to upload files or media in text channels.'),
      p('ADD_REACTIONS', 'Add Reactions', 'Allows members to add new emoji reactions to a message.'),
      p('USE_EXTERNAL_EMOJIS', 'Use External Emoji', 'Allows members to use emoji from other servers.'),
      p('MENTION_EVERYONE', 'Mention @everyone, @here, and All Roles', 'Allows members to notify everyone in the channel.'),
      p('MANAGE_MESSAGES', 'Manage Messages', 'Allows members to delete or pin messages by other members.'),
      p('READ_MESSAGE_HISTORY', 'Read Message History', 'Allows members to read previous messages sent in channels.'),
      p('SEND_TTS_MESSAGES', 'Send Text-to-Speech Messages', 'Allows members to send text-to-speech messages.'),
      p('USE_APPLICATION_COMMANDS', 'Use Application Commands', "Allows members to use commands from applications, including slash commands and context menu commands."),
    ],
  },
  {
    title: 'Voice Channel Permissions',
    channelScoped: true,
    permissions: [
      p('CONNECT', 'Connect', 'Allows members to join voice channels and hear others.'),
      p('SPEAK', 'Speak', 'Allows members to talk in voice channels.'),
      p('STREAM', 'Video', 'Allows members to share their video, screen share, or stream a game.'),
      p('USE_VAD', 'Use Voice Activity', 'Allows members to speak without Push-to-Talk.'),
      p('PRIORITY_SPEAKER', 'Priority Speaker', 'Allows members to be more easily heard in voice channels.'),
      p('MUTE_MEMBERS', 'Mute Members', 'Allows members to mute other members in voice channels for everyone.'),
      p('DEAFEN_MEMBERS', 'Deafen Members', 'Allows members to deafen other members in voice channels.'),
      p('MOVE_MEMBERS', 'Move Members', 'Allows members to disconnect or move other members between voice channels.'),
    ],
  },
  {
    title: 'Advanced Permissions',
    channelScoped: false,
    permissions: [p('ADMINISTRATOR', 'Administrator', 'Members with this permission have every permission and bypass channel specific permissions. This is a dangerous permission to grant.')],
  },
];

export function flagOf(name: PermissionName): bigint {
  return PermissionFlags[name];
}
