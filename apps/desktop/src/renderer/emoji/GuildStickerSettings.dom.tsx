// Server Settings -> Stickers: upload PNG / APNG / GIF / Lottie JSON stickers (512 KiB at most)
// as Discord's multipart form (name, description, tags, file), rename and delete them, with
// "N/5" slots by the server's boost level.
import { useEffect, useRef, useState } from 'react';
import { GUILD_TIER_PERKS, MAX_STICKER_BYTES, PermissionFlags } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useGuildPermissions } from '../state/selectors.ts';
import { has } from '../state/permissions.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { formatBytes } from '../ui/format.ts';
import { TrashIcon, UploadIcon } from '../ui/Icons.dom.tsx';
import { TIER_NAMES, tierOf } from '../premium/boostProgress.ts';
import { useExpressionStore, upsertSticker } from './expressionStore.ts';
import { decodeList, GuildStickerSchema, StickerFormat, stickerUrl, type GuildSticker } from './expressions.ts';
import './emoji.css';
import '../premium/premium.css';

const NO_STICKERS: GuildSticker[] = [];
const STICKER_TYPES = ['image/png', 'image/gif', 'application/json'];

export function GuildStickerSettings({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const stickers = useExpressionStore((s) => s.stickers[guildId] ?? NO_STICKERS);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const perms = useGuildPermissions(guildId);
  const canManage = has(perms, PermissionFlags.MANAGE_GUILD_EXPRESSIONS);
  const canCreate = canManage || has(perms, PermissionFlags.CREATE_GUILD_EXPRESSIONS);
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void getSession()
      .api.rest.get<unknown>(`/guilds/${guildId}/stickers`)
      .then((raw) => useExpressionStore.getState().setStickers(guildId, decodeList(GuildStickerSchema, raw).items))
      .catch((err: unknown) => setError(errorText(err)));
  }, [guildId]);

  if (!guild) return null;
  const tier = tierOf(guild);
  const slots = GUILD_TIER_PERKS[tier].stickerSlots;

  const upload = async () => {
    if (!file) return;
    setError(null);
    if (file.size > MAX_STICKER_BYTES) {
      setError(`${file.name} is ${formatBytes(file.size)}: stickers must be under ${formatBytes(MAX_STICKER_BYTES)}.`);
      return;
    }
    setBusy(true);
    try {
      const form = new FormData();
      form.append('name', name);
      form.append('description', description);
      form.append('tags', tags || name);
      form.append('file', file, file.name);
      upsertSticker(guildId, await getSession().api.rest.post<unknown>(`/guilds/${guildId}/stickers`, undefined, { form }));
      setFile(null);
      setName('');
      setTags('');
      setDescription('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (s: GuildSticker) => {
    try {
      await getSession().api.rest.delete<unknown>(`/guilds/${guildId}/stickers/${s.id}`);
      const store = useExpressionStore.getState();
      store.setStickers(guildId, (store.stickers[guildId] ?? []).filter((x) => x.id !== s.id));
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="expression-settings" data-testid="sticker-settings">
      <h2>Stickers</h2>
      <p className="muted">Stickers members can send in this server ({TIER_NAMES[tier]}: boosts raise the limit). Members with Nitro can send them anywhere.</p>
      {canCreate ? (
        <div className="sticker-upload">
          <button className="btn secondary" onClick={() => fileRef.current?.click()} data-testid="sticker-pick-file">
            <UploadIcon size={16} /> {file ? file.name : 'Choose a file'}
          </button>
          <input
            ref={fileRef}
            type="file"
            hidden
            accept={STICKER_TYPES.join(',')}
            data-testid="sticker-file-input"
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              e.target.value = '';
              setFile(f);
              if (f && !name) setName(f.name.replace(/\.[^.]*$/, '').slice(0, 30));
            }}
          />
          <input className="input" placeholder="Sticker name" value={name} maxLength={30} onChange={(e) => setName(e.target.value)} data-testid="sticker-name" aria-label="Sticker name" />
          <input className="input" placeholder="Related emoji or tags" value={tags} maxLength={200} onChange={(e) => setTags(e.target.value)} aria-label="Tags" />
          <input className="input" placeholder="Description (optional)" value={description} maxLength={100} onChange={(e) => setDescription(e.target.value)} aria-label="Description" />
          <button className="btn" disabled={!file || name.length < 2 || busy || stickers.length >= slots} onClick={() => void upload()} data-testid="upload-sticker">
            Upload
          </button>
        </div>
      ) : (
        <div className="muted">You need the Manage Expressions permission to add stickers.</div>
      )}
      {error ? <div className="form-error" data-testid="sticker-error">{error}</div> : null}
      <section className="expression-table">
        <h3>
          Stickers <span className="slots" data-testid="sticker-slots">{stickers.length}/{slots} slots</span>
        </h3>
        <div className="slot-bar" aria-hidden="true">
          <div style={{ width: `${Math.min(100, (stickers.length / slots) * 100)}%` }} />
        </div>
        <div className="sticker-cards">
          {stickers.map((s) => (
            <div key={s.id} className="sticker-card" data-testid="sticker-row" data-sticker-name={s.name}>
              {s.format_type === StickerFormat.LOTTIE ? <div className="lottie">Lottie</div> : <img src={stickerUrl(s.id, s.format_type)} alt={s.name} width={96} height={96} />}
              <div className="sname">{s.name}</div>
              {canManage || s.user?.id === selfId ? (
                <button className="icon-button danger" aria-label={`Delete ${s.name}`} onClick={() => void remove(s)}>
                  <TrashIcon size={16} />
                </button>
              ) : null}
            </div>
          ))}
        </div>
      </section>
    </div>
  );
}
