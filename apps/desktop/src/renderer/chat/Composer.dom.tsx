// The message composer: multi-line textarea (Enter sends, Shift+Enter breaks the line, Up edits
// the last own message, Esc cancels a reply), @mention / #channel / :emoji: autocomplete,
// per-channel drafts, staged files with upload progress, and the typing indicator. Disabled
// with a notice when the user lacks SEND_MESSAGES in the channel. A "/" at the start opens the
// guild's slash commands; picking one turns the composer into the command's form (CommandForm).
import { useEffect, useMemo, useRef, useState } from 'react';
import { ChannelType, PermissionFlags, userPremiumPerks, type APIChannel } from '@concord/protocol';
import { useDraftStore } from './draftStore.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { useMessageStore } from '../state/messageStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useTypingStore } from './typingStore.ts';
import { useUiStore, type UploadState } from '../state/uiStore.ts';
import { dmName, isDMChannel, useChannel } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { searchEmoji } from './emoji.ts';
import { resolveMentions, type MentionCandidates } from './mentions.ts';
import { formatBytes } from '../ui/format.ts';
import { filterEntries, slashQuery, type SlashEntry } from '../bots/slashCommands.ts';
import { useCommandDraftStore } from '../bots/commandDraftStore.ts';
import { useCommandIndexStore } from '../bots/commandIndexStore.ts';
import { errorText, notifyTyping, resetTypingThrottle, sendFiles, sendMessage } from '../session/actions.ts';
import { loadCommandIndex } from '../bots/interactions.ts';
import { Avatar } from '../ui/Avatar.dom.tsx';
import { CommandForm } from '../bots/CommandForm.dom.tsx';
import { CommandPicker } from '../bots/CommandPicker.dom.tsx';
import { LoadingDots } from '../ui/LoadingDots.dom.tsx';
import { CloseIcon, FileIcon, HashIcon, SmileIcon, UploadIcon } from '../ui/Icons.dom.tsx';
import { CustomEmoji } from '../emoji/CustomEmoji.dom.tsx';
import { customEmojiSuggestions } from '../emoji/emojiSuggestions.ts';
import { resolveCustomEmojiShortcodes } from '../emoji/expressions.ts';
import { usableCustomEmoji, usePlacedEmoji } from '../emoji/usableEmoji.ts';

const NO_UPLOADS: UploadState[] = [];
const NO_FILES: File[] = [];

interface Suggestion {
  key: string;
  label: string;
  hint?: string;
  insert: string;
  icon: React.ReactNode;
}

interface AutocompleteState {
  kind: 'user' | 'channel' | 'emoji';
  query: string;
  start: number;
}

/** Finds an @, # or : token that ends at the caret. */
export function findToken(text: string, caret: number): AutocompleteState | null {
  const before = text.slice(0, caret);
  const m = before.match(/(^|\s)([@#:])([\w.-]*)$/);
  if (!m) return null;
  const sigil = m[2]!;
  const query = m[3]!;
  const start = caret - query.length - 1;
  if (sigil === ':') return query.length >= 2 ? { kind: 'emoji', query, start } : null;
  return { kind: sigil === '@' ? 'user' : 'channel', query, start };
}

function useMentionCandidates(channel: APIChannel | undefined): MentionCandidates & { userList: { id: string; name: string; username: string }[] } {
  const guildId = channel?.guild_id;
  const members = useMemberStore((s) => (guildId ? s.members[guildId] : undefined));
  const users = useMemberStore((s) => s.users);
  const roles = useGuildStore((s) => (guildId ? s.guilds[guildId]?.roles : undefined));
  const channels = useGuildStore((s) => s.channels);
  return useMemo(() => {
    const userList: { id: string; name: string; username: string }[] = [];
    if (guildId && members) {
      for (const [id, m] of Object.entries(members)) {
        const u = users[id];
        if (u) userList.push({ id, name: displayName(u, m), username: u.username });
      }
    } else {
      for (const r of channel?.recipients ?? []) userList.push({ id: r.id, name: r.global_name || r.username, username: r.username });
    }
    return {
      userList,
      users: userList.map((u) => ({ id: u.id, names: [u.username, u.name] })),
      roles: (roles ?? []).filter((r) => r.mentionable || true).map((r) => ({ id: r.id, name: r.name })),
      channels: Object.values(channels)
        .filter((c) => c.guild_id === guildId && c.type !== ChannelType.GUILD_CATEGORY && c.name)
        .map((c) => ({ id: c.id, name: c.name! })),
    };
  }, [guildId, members, users, roles, channels, channel?.recipients]);
}

export function Composer({ channelId, permissions, onFiles }: { channelId: string; permissions: bigint; onFiles: (files: File[]) => void }) {
  const channel = useChannel(channelId);
  const draft = useDraftStore((s) => s.drafts[channelId] ?? '');
  const replyToId = useUiStore((s) => s.replyTo[channelId] ?? null);
  const uploads = useUiStore((s) => s.uploads[channelId] ?? NO_UPLOADS);
  const staged = useUiStore((s) => s.stagedFiles[channelId] ?? NO_FILES);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const candidates = useMentionCandidates(channel);
  const customEmoji = usePlacedEmoji(channel?.guild_id ?? null);
  // 2,000 characters, 4,000 with Nitro (the server enforces the same table).
  const maxLength = useSessionStore((s) => userPremiumPerks(s.user?.premium_type ?? 0).maxMessageLength);
  const canSend = has(permissions, PermissionFlags.SEND_MESSAGES);
  const canAttach = canSend && has(permissions, PermissionFlags.ATTACH_FILES);
  const guildId = channel?.guild_id;
  const canUseCommands = canSend && !!guildId && has(permissions, PermissionFlags.USE_APPLICATION_COMMANDS);
  const commandDraft = useCommandDraftStore((s) => s.byChannel[channelId]);
  const guildCommands = useCommandIndexStore((s) => (guildId ? s.byGuild[guildId] : undefined));

  const replyTarget = useMessageStore((s) => (replyToId ? s.byChannel[channelId]?.messages.find((m) => m.id === replyToId) : undefined));
  const replyName = useMemberStore((s) =>
    replyTarget ? displayName(s.users[replyTarget.author.id] ?? replyTarget.author, channel?.guild_id ? s.members[channel.guild_id]?.[replyTarget.author.id] : undefined) : '',
  );



  useEffect(() => {
    const el = textRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, window.innerHeight * 0.5)}px`;
  }, [draft]);

  const slash = canUseCommands && staged.length === 0 && dismissedAt !== caret ? slashQuery(draft) : null;
  const pickerOpen = slash !== null;
  useEffect(() => {
    if (pickerOpen && guildId) void loadCommandIndex(guildId);
  }, [pickerOpen, guildId]);
  const commandMatches = useMemo(() => (slash === null ? [] : filterEntries(guildCommands?.entries ?? [], slash).slice(0, 25)), [slash, guildCommands]);
  // "/" with no bot commands in the guild stays plain text (e.g. "/shrug"): no empty picker.
  const showPicker = pickerOpen && (commandMatches.length > 0 || guildCommands === undefined || guildCommands.status === 'loading' || (guildCommands.status === 'failed' && guildCommands.entries.length > 0));
  const inCommand = !!commandDraft;
  useEffect(() => {
    if (canSend && !inCommand) textRef.current?.focus();
  }, [channelId, canSend, replyToId, inCommand]);
  const pickCommand = (entry: SlashEntry) => {
    useCommandDraftStore.getState().start(channelId, entry);
    setDraft('');
    setActive(0);
  };

  const token = dismissedAt === caret || pickerOpen ? null : findToken(draft, caret);
  const tokenKind = token?.kind;
  const tokenQuery = token?.query;
  const suggestions = useMemo<Suggestion[]>(() => {
    if (tokenKind === undefined || tokenQuery === undefined) return [];
    const q = tokenQuery.toLowerCase();
    if (tokenKind === 'emoji') {
      const custom = customEmojiSuggestions(customEmoji, q, (id) => useGuildStore.getState().guilds[id]?.name ?? '').map<Suggestion>((e) => ({ key: e.id, label: `:${e.name}:`, hint: e.hint, insert: `:${e.name}: `, icon: <CustomEmoji id={e.id} name={e.name} animated={e.animated} size={20} /> }));
      return [...custom, ...searchEmoji(q, 10 - custom.length).map(([name, char]) => ({ key: name, label: `:${name}:`, insert: `${char} `, icon: <span style={{ fontSize: 20 }}>{char}</span> }))];
    }
    if (tokenKind === 'channel') {
      return candidates.channels
        .filter((c) => c.name.toLowerCase().includes(q))
        .slice(0, 10)
        .map((c) => ({ key: c.id, label: c.name, insert: `#${c.name} `, icon: <HashIcon size={18} /> }));
    }
    const users = candidates.userList
      .filter((u) => u.name.toLowerCase().includes(q) || u.username.toLowerCase().includes(q))
      .slice(0, 8)
      .map<Suggestion>((u) => ({ key: u.id, label: u.name, hint: u.username, insert: `@${u.username} `, icon: <Avatar id={u.id} name={u.name} size={24} /> }));
    const roles = candidates.roles
      .filter((r) => r.name !== '@everyone' && r.name.toLowerCase().includes(q))
      .slice(0, 4)
      .map<Suggestion>((r) => ({ key: r.id, label: `@${r.name}`, hint: 'role', insert: `@${r.name} `, icon: <span style={{ width: 24, textAlign: 'center' }}>@</span> }));
    const special = channel?.guild_id
      ? ['everyone', 'here'].filter((s) => s.startsWith(q)).map<Suggestion>((s) => ({ key: s, label: `@${s}`, hint: s === 'here' ? 'Notify everyone online' : 'Notify everyone', insert: `@${s} `, icon: <span style={{ width: 24, textAlign: 'center' }}>@</span> }))
      : [];
    return [...users, ...roles, ...special];
  }, [tokenKind, tokenQuery, candidates, channel?.guild_id, customEmoji]);

  const setDraft = (text: string) => useDraftStore.getState().setDraft(channelId, text);

  const applySuggestion = (s: Suggestion) => {
    if (!token) return;
    const next = draft.slice(0, token.start) + s.insert + draft.slice(caret);
    setDraft(next);
    const pos = token.start + s.insert.length;
    requestAnimationFrame(() => {
      textRef.current?.setSelectionRange(pos, pos);
      setCaret(pos);
    });
    setActive(0);
  };

  const submit = async () => {
    const text = draft.trim();
    if (!text && staged.length === 0) return;
    if (text.length > maxLength) {
      setError(`Your message is too long (${text.length}/${maxLength}).`);
      return;
    }
    setError(null);
    const content = resolveCustomEmojiShortcodes(resolveMentions(text, candidates), usableCustomEmoji(guildId ?? null));
    const replyTo = replyToId;
    const files = staged;
    setDraft('');
    useUiStore.getState().setReplyTo(channelId, null);
    useUiStore.getState().clearStaged(channelId);
    resetTypingThrottle();
    if (files.length > 0) {
      try {
        await sendFiles(channelId, files, content, replyTo);
      } catch (err) {
        setError(errorText(err));
      }
    } else {
      await sendMessage(channelId, content, replyTo);
    }
  };

  /** Arrow keys, Tab / Enter and Esc while a popup list is open; true when the key was used. */
  const popupKeys = <T,>(e: React.KeyboardEvent, items: readonly T[], pick: (item: T) => void): boolean => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && items.length > 0) {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length);
      return true;
    }
    if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) {
      e.preventDefault();
      const item = items[active] ?? items[0];
      if (item !== undefined) pick(item);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setDismissedAt(caret);
      return true;
    }
    return false;
  };

  const editLastOwn = () => {
    const messages = useMessageStore.getState().byChannel[channelId]?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.author.id === selfId) {
        useUiStore.getState().setEditing({ channelId, messageId: m.id });
        return true;
      }
    }
    return false;
  };

  const placeholder = !canSend
    ? 'You do not have permission to send messages in this channel.'
    : channel && isDMChannel(channel)
      ? `Message @${dmName(channel)}`
      : `Message #${channel?.name ?? ''}`;

  return (
    <form
      className="composer-wrap"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {commandDraft ? <CommandForm channelId={channelId} guildId={guildId} /> : null}
      {showPicker && !commandDraft ? (
        <CommandPicker entries={commandMatches} active={active} query={slash} index={guildCommands} onPick={pickCommand} onHover={setActive} />
      ) : null}
      {suggestions.length > 0 && !commandDraft ? (
        <div className="autocomplete" role="listbox" data-testid="autocomplete">
          <div className="ac-title">{token?.kind === 'emoji' ? 'Emoji matching' : token?.kind === 'channel' ? 'Text channels' : 'Members'} {token?.query ? `“${token.query}”` : ''}</div>
          {suggestions.map((s, i) => (
            <div
              key={s.key}
              role="option"
              aria-selected={i === active}
              className={`ac-item ${i === active ? 'active' : ''}`}
              data-testid="autocomplete-item"
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                applySuggestion(s);
              }}
            >
              {s.icon}
              <span>{s.label}</span>
              {s.hint ? <span className="ac-hint">{s.hint}</span> : null}
            </div>
          ))}
        </div>
      ) : null}
      {uploads.length > 0 || staged.length > 0 ? (
        <div className="upload-list" data-testid="upload-list">
          {staged.map((f, i) => (
            <div className="upload-item" key={`staged-${i}-${f.name}`} data-testid="staged-file">
              <FileIcon size={28} />
              <div className="uinfo">
                <div className="uname">
                  <span>{f.name}</span>
                  <span style={{ color: 'var(--text-muted)' }}>{formatBytes(f.size)}</span>
                </div>
              </div>
              <button type="button" className="icon-button" aria-label={`Remove ${f.name}`} onClick={() => useUiStore.getState().unstageFile(channelId, i)}>
                <CloseIcon size={18} />
              </button>
            </div>
          ))}
          {uploads.map((u) => (
            <div className={`upload-item ${u.status === 'failed' ? 'failed' : ''}`} key={u.id} data-testid="upload-progress" data-status={u.status}>
              <FileIcon size={28} />
              <div className="uinfo">
                <div className="uname">
                  <span>{u.filenames.join(', ')}</span>
                  <span style={{ color: 'var(--text-muted)' }}>
                    {u.status === 'failed' ? 'Failed' : u.status === 'processing' ? 'Processing…' : `${Math.round(u.progress * 100)}%`} · {formatBytes(u.totalBytes)}
                  </span>
                </div>
                <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(u.progress * 100)}>
                  <div style={{ width: `${Math.round(u.progress * 100)}%` }} />
                </div>
                {u.error ? <div className="uerror" data-testid="upload-error">{u.error}</div> : null}
              </div>
              {u.status === 'failed' ? (
                <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => useUiStore.getState().removeUpload(channelId, u.id)}>
                  <CloseIcon size={18} />
                </button>
              ) : null}
            </div>
          ))}
        </div>
      ) : null}
      {replyTarget && !commandDraft ? (
        <div className="composer-context" data-testid="reply-bar">
          <span>
            Replying to <strong>{replyName}</strong>
          </span>
          <button type="button" className="icon-button" style={{ width: 20, height: 20 }} aria-label="Cancel reply" onClick={() => useUiStore.getState().setReplyTo(channelId, null)}>
            <CloseIcon size={16} />
          </button>
        </div>
      ) : null}
      <div className={`composer ${canSend ? '' : 'disabled'}`} data-testid="composer-box" data-disabled={canSend ? 'false' : 'true'} hidden={!!commandDraft}>
        <button type="button" className="attach" aria-label="Upload a file" title="Upload a file" disabled={!canAttach} data-testid="attach-button" onClick={() => fileRef.current?.click()}>
          <UploadIcon />
        </button>
        <input
          ref={fileRef}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            onFiles(files);
          }}
        />
        <textarea
          ref={textRef}
          rows={1}
          data-testid="composer"
          aria-label={placeholder}
          placeholder={placeholder}
          disabled={!canSend}
          value={canSend ? draft : ''}
          maxLength={maxLength * 2}
          onChange={(e) => {
            setDraft(e.target.value);
            setCaret(e.target.selectionStart);
            setDismissedAt(null);
            setActive(0);
            // A slash command being typed is not a message being written (Discord shows no typing).
            if (e.target.value.trim() && !e.target.value.startsWith('/')) notifyTyping(channelId);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length > 0 && canAttach) {
              e.preventDefault();
              onFiles(files);
            }
          }}
          onKeyDown={(e) => {
            // While the command list is still loading (no matches yet) Enter is swallowed, so
            // that "/ro" is not sent as a message.
            if (showPicker && popupKeys(e, commandMatches, pickCommand)) return;
            if (suggestions.length > 0 && popupKeys(e, suggestions, applySuggestion)) return;
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            } else if (e.key === 'ArrowUp' && draft === '' && !e.altKey) {
              if (editLastOwn()) e.preventDefault();
            } else if (e.key === 'Escape' && replyToId) {
              e.stopPropagation();
              useUiStore.getState().setReplyTo(channelId, null);
            }
          }}
        />
        <div className="tools">
          <button
            type="button"
            className="icon-button"
            aria-label="Emoji"
            title="Emoji"
            disabled={!canSend}
            onClick={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              useUiStore.getState().setReactionPicker({ channelId, messageId: '', x: r.right - 344, y: r.top - 368 });
            }}
          >
            <SmileIcon />
          </button>
        </div>
      </div>
      <div className="composer-footer">
        {error ? <span style={{ color: 'var(--red)' }} data-testid="composer-error">{error}</span> : <TypingIndicator channelId={channelId} />}
      </div>
    </form>
  );
}

function TypingIndicator({ channelId }: { channelId: string }) {
  const typing = useTypingStore((s) => s.typing[channelId]);
  const guildId = useGuildStore((s) => s.channels[channelId]?.guild_id);
  const users = useMemberStore((s) => s.users);
  const members = useMemberStore((s) => (guildId ? s.members[guildId] : undefined));
  const ids = Object.keys(typing ?? {});
  if (ids.length === 0) return null;
  const names = ids.map((id) => displayName(users[id], members?.[id]));
  const text =
    names.length === 1
      ? <><strong>{names[0]}</strong> is typing…</>
      : names.length === 2
        ? <><strong>{names[0]}</strong> and <strong>{names[1]}</strong> are typing…</>
        : names.length === 3
          ? <><strong>{names[0]}</strong>, <strong>{names[1]}</strong> and <strong>{names[2]}</strong> are typing…</>
          : <>Several people are typing…</>;
  return (
    <span data-testid="typing-indicator" style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
      <LoadingDots />
      <span>{text}</span>
    </span>
  );
}
