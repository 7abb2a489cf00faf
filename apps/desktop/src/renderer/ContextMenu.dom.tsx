// Right-click menus: on a message (quick reactions, reply, edit, pin, copy text/id, delete, the
// bots' message commands under "Apps"), on a
// channel (mark read, edit, invite, copy id, delete), on a guild (invite, settings, create
// channel/category, leave), on a user (message, add friend, block, copy id) and on a member in a
// voice channel (volume, local mute, moderator actions). This host picks
// the feature's menu for what was clicked; the frame is ui/Menu.dom.tsx.
import { useUiStore, type ContextMenuState } from './state/uiStore.ts';
import { MenuFrame, closeContextMenu } from './ui/Menu.dom.tsx';
import { MessageMenu } from './chat/MessageMenu.dom.tsx';
import { ChannelMenu } from './guild/ChannelMenu.dom.tsx';
import { GuildMenu } from './guild/GuildMenu.dom.tsx';
import { UserMenu } from './dm/UserMenu.dom.tsx';
import { VoiceMemberMenu } from './voice/VoiceMemberMenu.dom.tsx';

export function ContextMenu() {
  const menu = useUiStore((s) => s.contextMenu);
  if (!menu) return null;
  return (
    <>
      <div style={{ position: 'fixed', inset: 0, zIndex: 99 }} onClick={closeContextMenu} onContextMenu={(e) => { e.preventDefault(); closeContextMenu(); }} />
      <MenuFrame x={menu.x} y={menu.y}>
        <MenuBody menu={menu} />
      </MenuFrame>
    </>
  );
}

function MenuBody({ menu }: { menu: ContextMenuState }) {
  switch (menu.kind) {
    case 'message':
      return <MessageMenu channelId={menu.channelId} messageId={menu.messageId} />;
    case 'channel':
      return <ChannelMenu channelId={menu.channelId} />;
    case 'guild':
      return <GuildMenu guildId={menu.guildId} />;
    case 'user':
      return <UserMenu userId={menu.userId} />;
    case 'voiceMember':
      return <VoiceMemberMenu guildId={menu.guildId} userId={menu.userId} />;
    default: {
      const never: never = menu;
      return <>{String(never)}</>;
    }
  }
}
