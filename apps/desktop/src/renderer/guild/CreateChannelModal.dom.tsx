// Create a text, announcement or voice channel (optionally inside a category), or a category.
import { useState } from 'react';
import { ChannelType } from '@concord/protocol';
import { RestError } from '@concord/client';
import { useGuildStore } from '../state/guildStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { createChannel, errorText, navigateToChannel } from '../session/actions.ts';
import { flattenFieldErrors } from '../ui/fieldErrors.ts';
import { Modal } from '../ui/Modal.dom.tsx';
import { AnnouncementIcon, HashIcon, SpeakerIcon } from '../ui/Icons.dom.tsx';

const TYPES = [
  { type: ChannelType.GUILD_TEXT, label: 'Text', desc: 'Send messages, images, GIFs, emoji, opinions, and puns', icon: <HashIcon /> },
  { type: ChannelType.GUILD_VOICE, label: 'Voice', desc: 'Hang out together with voice, video, and screen share', icon: <SpeakerIcon /> },
  { type: ChannelType.GUILD_ANNOUNCEMENT, label: 'Announcement', desc: 'Important updates for people in and out of the server', icon: <AnnouncementIcon /> },
] as const;

export function CreateChannelModal({ guildId, parentId, category }: { guildId: string; parentId: string | null; category: boolean }) {
  const [type, setType] = useState<number>(ChannelType.GUILD_TEXT);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const parentName = useGuildStore((s) => (parentId ? s.channels[parentId]?.name : undefined));
  const normalized = category || type === ChannelType.GUILD_VOICE ? name : name.toLowerCase().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_-]/gu, '');

  const submit = async () => {
    if (!normalized.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const body: { name: string; type: number; parent_id?: string | null } = { name: normalized.trim(), type: category ? ChannelType.GUILD_CATEGORY : type };
      if (!category && parentId) body.parent_id = parentId;
      const channel = await createChannel(guildId, body);
      useUiStore.getState().closeModal();
      if (!category && channel.type !== ChannelType.GUILD_VOICE) navigateToChannel(guildId, channel.id);
    } catch (err) {
      const fields = err instanceof RestError ? flattenFieldErrors(err.errors) : {};
      setError(Object.values(fields)[0] ?? errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={category ? 'Create Category' : 'Create Channel'}
      {...(parentName ? { subtitle: `in ${parentName}` } : {})}
      align="left"
      testId="create-channel-modal"
      footer={
        <>
          <button className="btn link" onClick={() => useUiStore.getState().closeModal()}>
            Cancel
          </button>
          <button className="btn" disabled={busy || !normalized.trim()} onClick={() => void submit()} data-testid="create-channel-submit">
            {category ? 'Create Category' : 'Create Channel'}
          </button>
        </>
      }
    >
      {!category ? (
        <>
          <div className="label">Channel type</div>
          {TYPES.map((t) => (
            <div key={t.type} className={`radio-row ${type === t.type ? 'selected' : ''}`} onClick={() => setType(t.type)} data-testid={`channel-type-${t.label.toLowerCase()}`}>
              {t.icon}
              <div className="rlabel">
                <div>{t.label}</div>
                <div className="rdesc">{t.desc}</div>
              </div>
              <input type="radio" readOnly checked={type === t.type} style={{ accentColor: 'var(--blurple)' }} />
            </div>
          ))}
        </>
      ) : null}
      <div className="field" style={{ marginTop: 16 }}>
        <label htmlFor="channel-name">{category ? 'Category name' : 'Channel name'}</label>
        <input
          id="channel-name"
          className="input"
          autoFocus
          placeholder={category ? 'New Category' : 'new-channel'}
          value={normalized}
          data-testid="channel-name-input"
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void submit()}
        />
      </div>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}
