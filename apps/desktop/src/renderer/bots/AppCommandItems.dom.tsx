// The bots' message commands in a message's right-click menu.
import { useEffect } from 'react';
import { useCommandIndexStore } from './commandIndexStore.ts';
import { loadCommandIndex, runMessageCommand } from './interactions.ts';
import { messageCommands } from './slashCommands.ts';
import { MenuItem } from '../ui/Menu.dom.tsx';

export /** The bots' message commands ("Apps" on Discord), run on this message. */
function AppCommandItems({ guildId, channelId, messageId }: { guildId: string; channelId: string; messageId: string }) {
  const index = useCommandIndexStore((s) => s.byGuild[guildId]?.index);
  useEffect(() => {
    void loadCommandIndex(guildId);
  }, [guildId]);
  const commands = messageCommands(index);
  if (commands.length === 0) return null;
  return (
    <>
      <div className="sep" />
      <div className="menu-title">Apps</div>
      {commands.map(({ command, application }) => (
        <MenuItem key={command.id} label={command.name} testId="menu-app-command" onClick={() => void runMessageCommand(channelId, command, application, messageId)} />
      ))}
    </>
  );
}
