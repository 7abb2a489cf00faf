// A channel's right-click menu: mark read, invite, edit, create channel (categories), delete, copy id.
import { ChannelType, PermissionFlags } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { useChannelPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { copyText } from '../session/actions.ts';
import { maybeSession } from '../session/currentSession.ts';
import { ackChannel } from '../chat/readStates.ts';
import { MenuItem, runOrToast } from '../ui/Menu.dom.tsx';

export function ChannelMenu({ channelId }: { channelId: string }) {
  const channel = useGuildStore((s) => s.channels[channelId]);
  const perms = useChannelPermissions(channelId);
  if (!channel) return null;
  const ui = useUiStore.getState();
  const canManage = has(perms, PermissionFlags.MANAGE_CHANNELS);
  const isCategory = channel.type === ChannelType.GUILD_CATEGORY;
  return (
    <>
      {!isCategory ? <MenuItem label="Mark As Read" onClick={() => ackChannel(channelId)} /> : null}
      {channel.guild_id && !isCategory ? <MenuItem label="Invite People" onClick={() => ui.openModal({ kind: 'invite', guildId: channel.guild_id!, channelId })} /> : null}
      {canManage ? <MenuItem label={isCategory ? 'Edit Category' : 'Edit Channel'} onClick={() => ui.openModal({ kind: 'channelSettings', channelId, tab: 'overview' })} /> : null}
      {canManage && isCategory ? <MenuItem label="Create Channel" onClick={() => ui.openModal({ kind: 'createChannel', guildId: channel.guild_id!, parentId: channelId, category: false })} /> : null}
      {canManage ? (
        <MenuItem
          label={isCategory ? 'Delete Category' : 'Delete Channel'}
          danger
          onClick={() =>
            ui.openModal({
              kind: 'confirm',
              title: isCategory ? 'Delete Category' : 'Delete Channel',
              body: `Are you sure you want to delete ${isCategory ? '' : '#'}${channel.name ?? ''}? This cannot be undone.`,
              confirmLabel: 'Delete',
              danger: true,
              onConfirm: () => runOrToast(maybeSession()?.api.deleteChannel(channelId) ?? Promise.resolve()),
            })
          }
        />
      ) : null}
      <div className="sep" />
      <MenuItem label="Copy Channel ID" onClick={() => copyText(channelId, 'Channel ID')} />
    </>
  );
}
