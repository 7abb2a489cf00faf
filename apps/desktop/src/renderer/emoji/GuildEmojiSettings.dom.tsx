// Server Settings -> Emoji: upload PNG / GIF / WebP emoji (named from the file, 256 KiB at most),
// rename and delete them, with "N/50" slots for static and for animated emoji by the server's
// boost level. Creating needs CREATE_ or MANAGE_GUILD_EXPRESSIONS; editing others' emoji MANAGE.
import { useEffect, useRef, useState } from 'react';
import { GUILD_TIER_PERKS, MAX_EMOJI_BYTES, PermissionFlags } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useGuildPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { formatBytes } from '../ui/format.ts';
import { TrashIcon, UploadIcon } from '../ui/Icons.dom.tsx';
import { TIER_NAMES, tierOf } from '../premium/boostProgress.ts';
import { useExpressionStore, upsertEmoji } from './expressionStore.ts';
import { decodeList, emojiNameFromFile, GuildEmojiSchema, type GuildEmoji } from './expressions.ts';
import { CustomEmoji } from './CustomEmoji.dom.tsx';
import { readFileAsDataUrl } from './readFile.dom.ts';
import './emoji.css';
import '../premium/premium.css';

const NO_EMOJI: GuildEmoji[] = [];
export const EMOJI_TYPES = ['image/png', 'image/gif', 'image/webp'];

export function GuildEmojiSettings({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const emojis = useExpressionStore((s) => s.emojis[guildId] ?? NO_EMOJI);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const perms = useGuildPermissions(guildId);
  const canManage = has(perms, PermissionFlags.MANAGE_GUILD_EXPRESSIONS);
  const canCreate = canManage || has(perms, PermissionFlags.CREATE_GUILD_EXPRESSIONS);
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The REST list carries who uploaded each emoji (the gateway's does not).
  useEffect(() => {
    void getSession()
      .api.rest.get<unknown>(`/guilds/${guildId}/emojis`)
      .then((raw) => useExpressionStore.getState().setEmojis(guildId, decodeList(GuildEmojiSchema, raw).items))
      .catch((err: unknown) => setError(errorText(err)));
  }, [guildId]);

  if (!guild) return null;
  const tier = tierOf(guild);
  const slots = GUILD_TIER_PERKS[tier].emojiSlots;
  const statics = emojis.filter((e) => !e.animated);
  const animated = emojis.filter((e) => e.animated);

  const upload = async (files: File[]) => {
    setError(null);
    setBusy(true);
    try {
      for (const file of files) {
        if (!EMOJI_TYPES.includes(file.type)) throw new Error(`${file.name}: emoji must be PNG, GIF or WebP.`);
        if (file.size > MAX_EMOJI_BYTES) throw new Error(`${file.name} is ${formatBytes(file.size)}: emoji must be under ${formatBytes(MAX_EMOJI_BYTES)}.`);
        const image = await readFileAsDataUrl(file);
        upsertEmoji(guildId, await getSession().api.rest.post<unknown>(`/guilds/${guildId}/emojis`, { name: emojiNameFromFile(file.name), image }));
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="expression-settings" data-testid="emoji-settings">
      <h2>Emoji</h2>
      <p className="muted">
        Add up to {slots} custom emoji that anyone can use in this server ({TIER_NAMES[tier]}: boosts raise the limit). Animated GIF emoji can be used by members with Nitro.
      </p>
      <div className="upload-rules">
        <ul>
          <li>File type: PNG, GIF or WebP</li>
          <li>Max file size: {formatBytes(MAX_EMOJI_BYTES)}</li>
          <li>Naming: at least 2 characters, letters, numbers and underscores</li>
        </ul>
        <button className="btn" disabled={!canCreate || busy} onClick={() => fileRef.current?.click()} data-testid="upload-emoji">
          <UploadIcon size={16} /> Upload Emoji
        </button>
        <input
          ref={fileRef}
          type="file"
          hidden
          multiple
          accept={EMOJI_TYPES.join(',')}
          data-testid="emoji-file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            void upload(files);
          }}
        />
      </div>
      {!canCreate ? <div className="muted">You need the Manage Expressions permission to add emoji.</div> : null}
      {error ? <div className="form-error" data-testid="emoji-error">{error}</div> : null}
      <EmojiTable title="Emoji" list={statics} slots={slots} guildId={guildId} canEdit={(e) => canManage || (canCreate && e.user?.id === selfId)} testId="emoji-static" />
      <EmojiTable title="Animated Emoji" list={animated} slots={slots} guildId={guildId} canEdit={(e) => canManage || (canCreate && e.user?.id === selfId)} testId="emoji-animated" />
    </div>
  );
}

function EmojiTable({ title, list, slots, guildId, canEdit, testId }: { title: string; list: GuildEmoji[]; slots: number; guildId: string; canEdit: (e: GuildEmoji) => boolean; testId: string }) {
  return (
    <section className="expression-table" data-testid={testId}>
      <h3>
        {title} <span className="slots" data-testid={`${testId}-slots`}>{list.length}/{slots} slots</span>
      </h3>
      <div className="slot-bar" aria-hidden="true">
        <div style={{ width: `${Math.min(100, (list.length / slots) * 100)}%` }} />
      </div>
      {list.length === 0 ? <div className="muted empty">No {title.toLowerCase()} yet.</div> : null}
      {list.map((e) => (
        <EmojiRow key={e.id} emoji={e} guildId={guildId} editable={canEdit(e)} />
      ))}
    </section>
  );
}

function EmojiRow({ emoji, guildId, editable }: { emoji: GuildEmoji; guildId: string; editable: boolean }) {
  const [name, setName] = useState(emoji.name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setName(emoji.name), [emoji.name]);
  const rename = async () => {
    if (name === emoji.name) return;
    try {
      upsertEmoji(guildId, await getSession().api.rest.patch<unknown>(`/guilds/${guildId}/emojis/${emoji.id}`, { name }));
      setError(null);
    } catch (err) {
      setError(errorText(err));
      setName(emoji.name);
    }
  };
  const remove = async () => {
    try {
      await getSession().api.rest.delete<unknown>(`/guilds/${guildId}/emojis/${emoji.id}`);
      const store = useExpressionStore.getState();
      store.setEmojis(guildId, (store.emojis[guildId] ?? []).filter((e) => e.id !== emoji.id));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="expression-row" data-testid="emoji-row" data-emoji-id={emoji.id} data-emoji-name={emoji.name}>
      <CustomEmoji id={emoji.id} name={emoji.name} animated={emoji.animated} size={32} />
      <input
        className="input"
        value={name}
        disabled={!editable}
        aria-label={`Name of :${emoji.name}:`}
        data-testid="emoji-name-input"
        maxLength={32}
        onChange={(e) => setName(e.target.value.replace(/[^A-Za-z0-9_]/g, '_'))}
        onBlur={() => void rename()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />
      <span className="uploader">{emoji.user ? emoji.user.username : ''}</span>
      {error ? <span className="form-error">{error}</span> : null}
      {editable ? (
        <button className="icon-button danger" aria-label={`Delete :${emoji.name}:`} data-testid="emoji-delete" onClick={() => void remove()}>
          <TrashIcon size={18} />
        </button>
      ) : null}
    </div>
  );
}
