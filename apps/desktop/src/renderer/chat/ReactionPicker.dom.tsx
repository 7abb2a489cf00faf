// The emoji picker: reacts to a message, or (from the composer's emoji button, messageId '')
// inserts the emoji into the draft.
import { useLayoutEffect, useRef, useState } from 'react';
import { useDraftStore } from './draftStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { EMOJI, searchEmoji } from './emoji.ts';
import { toggleReaction } from '../session/actions.ts';

export function ReactionPicker() {
  const picker = useUiStore((s) => s.reactionPicker);
  const [query, setQuery] = useState('');
  const [hover, setHover] = useState<readonly [string, string] | null>(null);
  const [pos, setPos] = useState({ left: 0, top: 0 });
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (!picker) return;
    setQuery('');
    setPos({ left: Math.max(8, Math.min(picker.x, window.innerWidth - 352)), top: Math.max(8, Math.min(picker.y, window.innerHeight - 368)) });
  }, [picker]);
  if (!picker) return null;
  const list = query ? searchEmoji(query, 80) : EMOJI;
  const choose = (char: string) => {
    const ui = useUiStore.getState();
    ui.setReactionPicker(null);
    if (picker.messageId) void toggleReaction(picker.channelId, picker.messageId, { id: null, name: char });
    else {
      const drafts = useDraftStore.getState();
      const cur = drafts.drafts[picker.channelId] ?? '';
      drafts.setDraft(picker.channelId, `${cur}${cur && !cur.endsWith(' ') ? ' ' : ''}${char} `);
    }
  };
  return (
    <>
      <div style={{ position: 'fixed', inset: 0, zIndex: 99 }} onClick={() => useUiStore.getState().setReactionPicker(null)} />
      <div ref={ref} className="emoji-picker" style={pos} data-testid="emoji-picker">
        <input autoFocus placeholder="Find the perfect emoji" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="emoji-search"
          onKeyDown={(e) => {
            if (e.key === 'Enter' && list[0]) choose(list[0][1]);
          }}
        />
        <div className="grid">
          {list.map(([name, char]) => (
            <button key={name} title={`:${name}:`} aria-label={name} data-testid="emoji-option" data-emoji-name={name} onMouseEnter={() => setHover([name, char])} onClick={() => choose(char)}>
              {char}
            </button>
          ))}
        </div>
        <div className="preview">
          {hover ? (
            <>
              <span style={{ fontSize: 22 }}>{hover[1]}</span> :{hover[0]}:
            </>
          ) : (
            'Pick an emoji'
          )}
        </div>
      </div>
    </>
  );
}
