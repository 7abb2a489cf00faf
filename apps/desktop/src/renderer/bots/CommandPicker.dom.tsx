// The list that opens above the composer when a message starts with "/": the guild's slash
// commands matching what is typed, each with its bot, options and description.
import type { GuildCommands } from './commandIndexStore.ts';
import { optionSummary, type SlashEntry } from './slashCommands.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';

export function CommandPicker({ entries, active, query, index, onPick, onHover }: {
  entries: SlashEntry[];
  active: number;
  query: string;
  index: GuildCommands | undefined;
  onPick: (entry: SlashEntry) => void;
  onHover: (i: number) => void;
}) {
  const loading = entries.length === 0 && (!index || index.status === 'loading');
  const failed = entries.length === 0 && index?.status === 'failed' ? index.error : null;
  return (
    <div className="autocomplete command-picker" role="listbox" aria-label="Commands" data-testid="command-picker">
      <div className="ac-title">{query ? <>Commands matching <span className="ac-query">/{query}</span></> : 'Commands'}</div>
      {loading ? <div className="ac-empty">Loading commands…</div> : null}
      {failed ? <div className="ac-empty error">Could not load commands: {failed}</div> : null}
      {entries.map((e, i) => {
        const botName = e.application?.botName ?? e.application?.name ?? '';
        return (
          <div
            key={e.key}
            role="option"
            aria-selected={i === active}
            className={`ac-item command-item ${i === active ? 'active' : ''}`}
            data-testid="command-item"
            data-command={e.fullName}
            onMouseEnter={() => onHover(i)}
            onMouseDown={(ev) => {
              ev.preventDefault();
              onPick(e);
            }}
          >
            <Avatar id={e.application?.botId ?? e.command.applicationId} name={botName || e.command.name} size={32} />
            <div className="cmd-text">
              <div className="cmd-line">
                <span className="cmd-name">/{e.fullName}</span>
                <span className="cmd-options">{optionSummary(e)}</span>
              </div>
              <div className="cmd-desc">{e.description}</div>
            </div>
            <span className="ac-hint">{e.application?.name ?? ''}</span>
          </div>
        );
      })}
    </div>
  );
}
