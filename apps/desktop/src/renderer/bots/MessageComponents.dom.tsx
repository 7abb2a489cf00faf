// Message components under a bot's message: action rows of buttons (primary, secondary, success,
// danger, link; disabled; with emoji) and selects (string, user, role, mentionable, channel).
// Clicking a button or closing a select with a choice sends a component interaction (type 3);
// the bot answers by editing the message (MESSAGE_UPDATE), sending one, or opening a modal.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { APIMessage } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useInteractionStore } from './interactionStore.ts';
import { decodeComponents, type ButtonComponent, type ComponentEmoji, type SelectComponent } from './botDecoders.ts';
import { sendComponentInteraction } from './interactions.ts';
import { ChevronDown } from '../ui/Icons.dom.tsx';
import { safeHttpUrl } from '../chat/links.ts';
import { LoadingDots } from '../ui/LoadingDots.dom.tsx';
import { useEntityChoices, type EntityChoice } from './useEntityChoices.dom.tsx';

const BUTTON_STYLES = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger', 5: 'link' } as const;

function Emoji({ emoji }: { emoji: ComponentEmoji }) {
  // Custom emoji images are not served yet: show the name as Discord does when an image is missing.
  return <span className="c-emoji">{emoji.id ? `:${emoji.name}:` : emoji.name}</span>;
}

export const MessageComponents = memo(function MessageComponents({ message }: { message: APIMessage }) {
  const rows = useMemo(() => decodeComponents(message.components), [message.components]);
  const activity = useInteractionStore((s) => s.components[message.id]);
  if (rows.length === 0) return null;
  return (
    <div className="message-components" data-testid="message-components">
      {rows.map((row, i) => (
        <div className="action-row" key={i}>
          {row.components.map((c, j) =>
            c.type === 2 ? (
              <Button key={`${i}-${j}`} message={message} button={c} busy={activity?.busy === c.customId && c.customId !== null} />
            ) : (
              <Select key={`${i}-${j}-${message.edited_timestamp ?? ''}`} message={message} select={c} busy={activity?.busy === c.customId} />
            ),
          )}
        </div>
      ))}
      {activity?.failed ? (
        <div className="interaction-failed small" data-testid="interaction-failed" role="alert">
          {activity.failed}
        </div>
      ) : null}
    </div>
  );
});

function Button({ message, button, busy }: { message: APIMessage; button: ButtonComponent; busy: boolean }) {
  const style = BUTTON_STYLES[button.style];
  const content = (
    <>
      {button.emoji ? <Emoji emoji={button.emoji} /> : null}
      {button.label ? <span className="c-label">{button.label}</span> : null}
    </>
  );
  if (button.style === 5) {
    const url = safeHttpUrl(button.url);
    return url && !button.disabled ? (
      <a className={`c-button ${style}`} href={url} target="_blank" rel="noreferrer noopener" data-testid="component-button" data-label={button.label ?? ''}>
        {content}
        <ExternalIcon />
      </a>
    ) : (
      <button type="button" className={`c-button ${style}`} disabled data-testid="component-button" data-label={button.label ?? ''}>
        {content}
        <ExternalIcon />
      </button>
    );
  }
  return (
    <button
      type="button"
      className={`c-button ${style} ${busy ? 'busy' : ''}`}
      disabled={button.disabled || busy}
      aria-busy={busy}
      data-testid="component-button"
      data-label={button.label ?? ''}
      data-custom-id={button.customId ?? ''}
      onClick={() => void sendComponentInteraction(message, button, null)}
    >
      {busy ? (
        <LoadingDots label="Loading" />
      ) : null}
      <span className="c-content" style={busy ? { visibility: 'hidden' } : undefined}>
        {content}
      </span>
    </button>
  );
}

function ExternalIcon() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" style={{ marginLeft: 6 }}>
      <path d="M15 2a1 1 0 1 0 0 2h3.59l-8.3 8.3a1 1 0 1 0 1.42 1.4L20 5.42V9a1 1 0 1 0 2 0V3a1 1 0 0 0-1-1h-6Z" />
      <path d="M5 5a3 3 0 0 0-3 3v11a3 3 0 0 0 3 3h11a3 3 0 0 0 3-3v-5a1 1 0 1 0-2 0v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h5a1 1 0 1 0 0-2H5Z" />
    </svg>
  );
}

/** The choices of a select: its options, or the guild's members, roles or channels. */
function useSelectChoices(message: APIMessage, select: SelectComponent): EntityChoice[] {
  const guildId = useGuildStore((s) => message.guild_id ?? s.channels[message.channel_id]?.guild_id);
  const entities = useEntityChoices(guildId, { users: select.type === 5 || select.type === 7, roles: select.type === 6 || select.type === 7, channels: select.type === 8, channelTypes: select.channelTypes });
  return useMemo(
    () => (select.type === 3 ? select.options.map((o) => ({ value: o.value, label: o.label, description: o.description, icon: o.emoji ? <Emoji emoji={o.emoji} /> : null })) : entities),
    [select, entities],
  );
}

const MENU_HEIGHT_PX = 320;

function Select({ message, select, busy }: { message: APIMessage; select: SelectComponent; busy: boolean }) {
  const choices = useSelectChoices(message, select);
  const initial = useMemo(() => select.options.filter((o) => o.default).map((o) => o.value), [select.options]);
  const [selected, setSelected] = useState<string[]>(initial);
  const [open, setOpen] = useState(false);
  const [dropUp, setDropUp] = useState(false);
  const [query, setQuery] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const multi = select.maxValues > 1;
  const searchable = select.type !== 3;
  const labels = new Map(choices.map((c) => [c.value, c.label]));

  const commit = (values: string[]) => {
    setOpen(false);
    setQuery('');
    if (values.length < select.minValues || values.length === 0) return;
    void sendComponentInteraction(message, select, values);
  };
  const commitRef = useRef(commit);
  commitRef.current = commit;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && e.target instanceof Node && !box.current.contains(e.target)) {
        if (multi) commitRef.current(selectedRef.current);
        else setOpen(false);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open, multi]);

  const q = query.trim().toLowerCase();
  const visible = q ? choices.filter((c) => c.label.toLowerCase().includes(q) || c.description?.toLowerCase().includes(q)) : choices;
  const toggle = (value: string) => {
    if (!multi) {
      setSelected([value]);
      commit([value]);
      return;
    }
    setSelected((cur) => (cur.includes(value) ? cur.filter((v) => v !== value) : cur.length >= select.maxValues ? cur : [...cur, value]));
  };

  return (
    <div className={`c-select ${open ? 'open' : ''} ${select.disabled ? 'disabled' : ''}`} ref={box} data-testid="component-select" data-custom-id={select.customId}>
      <button type="button" className="c-select-box" disabled={select.disabled || busy} aria-haspopup="listbox" aria-expanded={open} onClick={() => {
          if (open && multi) return commit(selected);
          if (!open && box.current) {
            // Open upwards when the list (or the window) has no room below, as at the newest message.
            const rect = box.current.getBoundingClientRect();
            const bottom = box.current.closest('.scroller')?.getBoundingClientRect().bottom ?? window.innerHeight;
            setDropUp(bottom - rect.bottom < MENU_HEIGHT_PX && rect.top > bottom - rect.bottom);
          }
          setOpen(!open);
        }}>
        <span className={`c-select-value ${selected.length === 0 ? 'placeholder' : ''}`}>
          {selected.length === 0 ? (select.placeholder ?? (multi ? 'Make selections' : 'Make a selection')) : selected.map((v) => labels.get(v) ?? v).join(', ')}
        </span>
        {busy ? (
          <LoadingDots label="Loading" />
        ) : (
          <ChevronDown size={20} />
        )}
      </button>
      {open ? (
        <div className={`c-select-menu thin-scroll ${dropUp ? 'up' : ''}`} role="listbox" aria-multiselectable={multi}>
          {searchable ? <input className="c-select-search" autoFocus placeholder="Search" value={query} onChange={(e) => setQuery(e.target.value)} /> : null}
          {visible.length === 0 ? <div className="c-select-empty">No results</div> : null}
          {visible.map((c) => {
            const on = selected.includes(c.value);
            return (
              <div
                key={c.value}
                role="option"
                aria-selected={on}
                className={`c-select-option ${on ? 'selected' : ''}`}
                data-testid="component-select-option"
                data-value={c.value}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => toggle(c.value)}
              >
                {c.icon ? <span className="c-icon">{c.icon}</span> : null}
                <span className="c-text">
                  <span className="c-label" style={c.color ? { color: c.color } : undefined}>
                    {c.label}
                  </span>
                  {c.description ? <span className="c-desc">{c.description}</span> : null}
                </span>
                {multi ? <span className={`c-check ${on ? 'on' : ''}`} aria-hidden="true" /> : on ? <span className="c-tick" aria-hidden="true">✓</span> : null}
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
