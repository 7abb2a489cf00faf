// The emoji picker, opened from the composer's emoji button (messageId '': the pick goes into the
// draft, and a Stickers tab sends a sticker) and from "Add Reaction" (the pick reacts). Sections:
// Recently Used, one per server with its custom emoji (this server first), then the Unicode
// categories; a search box filters them all by name. Emoji the user may not use here show a lock
// with the reason as tooltip; picking one only explains it.
import './emoji.css';
import { useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { useUiStore } from '../state/uiStore.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useDraftStore } from '../chat/draftStore.ts';
import { toggleReaction, errorText } from '../session/actions.ts';
import { getSession } from '../session/currentSession.ts';
import { LockIcon } from '../ui/Icons.dom.tsx';
import { useExpressionStore } from './expressionStore.ts';
import { usePlacedEmoji } from './usableEmoji.ts';
import { useRecentEmoji, type RecentEmoji } from './recentEmoji.ts';
import { unicodeCategories } from './unicodeCategories.ts';
import { emojiMarkup, lockReason, resolveCustomEmojiShortcodes, stickerLock, stickerUrl, StickerFormat, type EmojiLock } from './expressions.ts';
import { CustomEmoji } from './CustomEmoji.dom.tsx';

const WIDTH = 420;
const HEIGHT = 440;

interface Item {
  key: string;
  name: string;
  lock: EmojiLock;
  face: ReactNode;
  recent: RecentEmoji;
}

interface Section {
  id: string;
  title: string;
  items: Item[];
}

export function EmojiPicker() {
  const picker = useUiStore((s) => s.reactionPicker);
  const [pos, setPos] = useState({ left: 0, top: 0 });
  const [tab, setTab] = useState<'emoji' | 'stickers'>('emoji');
  useLayoutEffect(() => {
    if (!picker) return;
    setTab('emoji');
    setPos({ left: Math.max(8, Math.min(picker.x, window.innerWidth - WIDTH - 8)), top: Math.max(8, Math.min(picker.y, window.innerHeight - HEIGHT - 8)) });
  }, [picker]);
  if (!picker) return null;
  const close = () => useUiStore.getState().setReactionPicker(null);
  const composing = picker.messageId === '';
  return (
    <>
      <div style={{ position: 'fixed', inset: 0, zIndex: 99 }} onClick={close} />
      <div className="emoji-picker expression-picker" style={{ ...pos, width: WIDTH, height: HEIGHT }} data-testid="emoji-picker" role="dialog" aria-label={composing ? 'Expression picker' : 'Add a reaction'}>
        {composing ? (
          <div className="picker-tabs" role="tablist">
            <button role="tab" aria-selected={tab === 'emoji'} className={tab === 'emoji' ? 'selected' : ''} onClick={() => setTab('emoji')} data-testid="picker-tab-emoji">
              Emoji
            </button>
            <button role="tab" aria-selected={tab === 'stickers'} className={tab === 'stickers' ? 'selected' : ''} onClick={() => setTab('stickers')} data-testid="picker-tab-stickers">
              Stickers
            </button>
          </div>
        ) : null}
        {tab === 'emoji' ? <EmojiTab channelId={picker.channelId} messageId={picker.messageId} /> : <StickerTab channelId={picker.channelId} />}
      </div>
    </>
  );
}

function LockBadge() {
  return (
    <span className="lock-badge">
      <LockIcon size={12} />
    </span>
  );
}

function EmojiTab({ channelId, messageId }: { channelId: string; messageId: string }) {
  const guildId = useGuildStore((s) => s.channels[channelId]?.guild_id ?? null);
  const guilds = useGuildStore((s) => s.guilds);
  const placed = usePlacedEmoji(guildId);
  const recent = useRecentEmoji((s) => s.recent);
  const [query, setQuery] = useState('');
  const [hover, setHover] = useState<Item | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const sections = useMemo<Section[]>(() => {
    const customItem = (p: (typeof placed)[number]): Item => ({
      key: p.emoji.id,
      name: p.emoji.name,
      lock: p.lock,
      face: <CustomEmoji id={p.emoji.id} name={p.emoji.name} animated={p.emoji.animated} size={32} />,
      recent: { kind: 'custom', id: p.emoji.id, name: p.emoji.name, animated: p.emoji.animated },
    });
    const unicodeItem = (name: string, char: string): Item => ({ key: char, name, lock: null, face: <span className="unicode">{char}</span>, recent: { kind: 'unicode', char, name } });
    const byId = new Map(placed.map((p) => [p.emoji.id, p] as const));
    const recents = recent.flatMap((r): Item[] => {
      if (r.kind === 'unicode') return [unicodeItem(r.name, r.char)];
      const p = byId.get(r.id);
      return p ? [customItem(p)] : [];
    });
    const perGuild = new Map<string, Item[]>();
    for (const p of placed) {
      const list = perGuild.get(p.guildId) ?? [];
      list.push(customItem(p));
      perGuild.set(p.guildId, list);
    }
    const out: Section[] = [];
    if (recents.length > 0) out.push({ id: 'recent', title: 'Recently Used', items: recents });
    for (const [id, items] of perGuild) out.push({ id: `guild-${id}`, title: guilds[id]?.name ?? 'Server', items });
    for (const c of unicodeCategories()) out.push({ id: c.id, title: c.label, items: c.emoji.map(([n, ch]) => unicodeItem(n, ch)) });
    return out;
  }, [placed, recent, guilds]);

  const q = query.trim().toLowerCase();
  const shown = useMemo<Section[]>(() => {
    if (!q) return sections;
    const seen = new Set<string>();
    const hits = sections
      .filter((s) => s.id !== 'recent')
      .flatMap((s) => s.items)
      .filter((i) => i.name.toLowerCase().includes(q) && !seen.has(i.key) && seen.add(i.key));
    hits.sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)));
    return [{ id: 'search', title: 'Search results', items: hits }];
  }, [sections, q]);

  const pick = (item: Item) => {
    if (item.lock) {
      setNotice(lockReason(item.lock));
      return;
    }
    useRecentEmoji.getState().use(item.recent);
    useUiStore.getState().setReactionPicker(null);
    const r = item.recent;
    if (messageId) {
      void toggleReaction(channelId, messageId, r.kind === 'custom' ? { id: r.id, name: r.name } : { id: null, name: r.char });
      return;
    }
    let text: string;
    if (r.kind === 'unicode') text = r.char;
    else {
      // `:name:` reads better in the box; the markup is kept when the name would resolve to another server's emoji.
      const short = `:${r.name}:`;
      const usable = placed.filter((p) => p.lock === null).map((p) => ({ id: p.emoji.id, name: p.emoji.name, animated: p.emoji.animated }));
      text = resolveCustomEmojiShortcodes(short, usable) === emojiMarkup(r) ? short : emojiMarkup(r);
    }
    const drafts = useDraftStore.getState();
    const cur = drafts.drafts[channelId] ?? '';
    drafts.setDraft(channelId, `${cur}${cur && !cur.endsWith(' ') ? ' ' : ''}${text} `);
  };

  const preview = notice ?? (hover ? null : 'Pick an emoji');
  return (
    <>
      <input
        autoFocus
        placeholder="Find the perfect emoji"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setNotice(null);
        }}
        data-testid="emoji-search"
        onKeyDown={(e) => {
          const first = shown[0]?.items[0];
          if (e.key === 'Enter' && first) pick(first);
        }}
      />
      <div className="sections thin-scroll">
        {shown.map((s) => (
          <section key={s.id} data-testid="emoji-section" data-section={s.id} aria-label={s.title}>
            <h5>{s.title}</h5>
            <div className="grid">
              {s.items.map((item) => (
                <button
                  key={`${s.id}-${item.key}`}
                  className={item.lock ? 'locked' : ''}
                  title={item.lock ? (item.lock === 'nitro' ? 'Unlock with Nitro' : lockReason(item.lock)) : `:${item.name}:`}
                  aria-label={item.lock ? `${item.name} (locked)` : item.name}
                  data-testid="emoji-option"
                  data-emoji-name={item.name}
                  data-locked={item.lock ?? undefined}
                  onMouseEnter={() => setHover(item)}
                  onClick={() => pick(item)}
                >
                  {item.face}
                  {item.lock ? <LockBadge /> : null}
                </button>
              ))}
            </div>
          </section>
        ))}
        {shown.length === 1 && shown[0]!.items.length === 0 ? <div className="empty">No emoji match “{query}”.</div> : null}
      </div>
      <div className={`preview ${notice ? 'notice' : ''}`} data-testid={notice ? 'emoji-lock-notice' : 'emoji-preview'}>
        {preview ?? (
          <>
            {hover?.face}
            <span>:{hover?.name}:</span>
            {hover?.lock ? <span className="lock-hint"><LockIcon size={12} /> {hover.lock === 'nitro' ? 'Unlock with Nitro' : lockReason(hover.lock)}</span> : null}
          </>
        )}
      </div>
    </>
  );
}

function StickerTab({ channelId }: { channelId: string }) {
  const guildId = useGuildStore((s) => s.channels[channelId]?.guild_id ?? null);
  const guilds = useGuildStore((s) => s.guilds);
  const guildOrder = useGuildStore((s) => s.guildOrder);
  const stickers = useExpressionStore((s) => s.stickers);
  const premiumType = useSessionStore((s) => s.user?.premium_type ?? 0);
  const [notice, setNotice] = useState<string | null>(null);
  const order = [...(guildId ? [guildId] : []), ...guildOrder.filter((g) => g !== guildId)];
  const sections = order.map((g) => ({ guildId: g, list: stickers[g] ?? [] })).filter((s) => s.list.length > 0);
  const send = async (id: string) => {
    useUiStore.getState().setReactionPicker(null);
    try {
      await getSession().api.sendMessage(channelId, { sticker_ids: [id] });
    } catch (err) {
      useUiStore.getState().showToast(`Sticker not sent: ${errorText(err)}`);
    }
  };
  return (
    <>
      <div className="sections thin-scroll">
        {sections.length === 0 ? <div className="empty">No stickers here yet. Servers add them in Server Settings → Stickers.</div> : null}
        {sections.map((s) => (
          <section key={s.guildId} aria-label={guilds[s.guildId]?.name ?? 'Server'}>
            <h5>{guilds[s.guildId]?.name ?? 'Server'}</h5>
            <div className="sticker-grid">
              {s.list.map((st) => {
                const lock = stickerLock(st, s.guildId, { currentGuildId: guildId, premiumType });
                return (
                  <button
                    key={st.id}
                    className={lock ? 'locked' : ''}
                    title={lock ? (lock === 'nitro' ? 'Unlock with Nitro' : lockReason(lock, 'sticker')) : st.name}
                    aria-label={lock ? `${st.name} (locked)` : st.name}
                    data-testid="sticker-option"
                    data-locked={lock ?? undefined}
                    onClick={() => (lock ? setNotice(lockReason(lock, 'sticker')) : void send(st.id))}
                  >
                    {st.format_type === StickerFormat.LOTTIE ? <span>{st.name}</span> : <img src={stickerUrl(st.id, st.format_type)} alt={st.name} width={96} height={96} />}
                    {lock ? <LockBadge /> : null}
                  </button>
                );
              })}
            </div>
          </section>
        ))}
      </div>
      <div className={`preview ${notice ? 'notice' : ''}`} data-testid={notice ? 'emoji-lock-notice' : 'emoji-preview'}>
        {notice ?? 'Pick a sticker to send it'}
      </div>
    </>
  );
}
