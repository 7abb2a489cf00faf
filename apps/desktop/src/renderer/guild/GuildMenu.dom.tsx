// A server's right-click menu: invite, settings, create channel / category, mark read, copy id, leave.
import { ChannelType, PermissionFlags } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useGuildPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { copyText, leaveGuild } from '../session/actions.ts';
import { ackChannel } from '../chat/readStates.ts';
import { MenuItem, runOrToast } from '../ui/Menu.dom.tsx';

export function GuildMenu({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const selfId = useSessionStore((s) => s.user?.id);
  const perms = useGuildPermissions(guildId);
  const firstText = useGuildStore((s) => Object.values(s.channels).find((c) => c.guild_id === guildId && c.type === ChannelType.GUILD_TEXT)?.id);
  if (!guild) return null;
  const ui = useUiStore.getState();
  const canManageGuild = has(perms, PermissionFlags.MANAGE_GUILD) || has(perms, PermissionFlags.MANAGE_ROLES) || has(perms, PermissionFlags.BAN_MEMBERS);
  const canManageChannels = has(perms, PermissionFlags.MANAGE_CHANNELS);
  const currentChannel = ui.channelByGuild[guildId] ?? firstText;
  return (
    <>
      {currentChannel ? <MenuItem label="Invite People" testId="menu-invite" onClick={() => ui.openModal({ kind: 'invite', guildId, channelId: currentChannel })} /> : null}
      {canManageGuild ? <MenuItem label="Server Settings" testId="menu-server-settings" onClick={() => ui.openModal({ kind: 'guildSettings', guildId, tab: 'overview' })} /> : null}
      {canManageChannels ? <MenuItem label="Create Channel" testId="menu-create-channel" onClick={() => ui.openModal({ kind: 'createChannel', guildId, parentId: null, category: false })} /> : null}
      {canManageChannels ? <MenuItem label="Create Category" testId="menu-create-category" onClick={() => ui.openModal({ kind: 'createChannel', guildId, parentId: null, category: true })} /> : null}
      <div className="sep" />
      <MenuItem label="Mark As Read" onClick={() => Object.values(useGuildStore.getState().channels).filter((c) => c.guild_id === guildId).forEach((c) => ackChannel(c.id))} />
      <MenuItem label="Copy Server ID" onClick={() => copyText(guildId, 'Server ID')} />
      {guild.owner_id !== selfId ? (
        <MenuItem
          label="Leave Server"
          danger
          onClick={() =>
            ui.openModal({
              kind: 'confirm',
              title: `Leave '${guild.name}'`,
              body: `Are you sure you want to leave ${guild.name}? You won't be able to rejoin unless you are re-invited.`,
              confirmLabel: 'Leave Server',
              danger: true,
              onConfirm: () => runOrToast(leaveGuild(guildId)),
            })
          }
        />
      ) : null}
    </>
  );
}
