// The profile's avatar and banner uploads (User Settings -> Profiles). A GIF avatar and any banner
// are Nitro perks: without them the control shows a lock and says so instead of uploading (the
// server refuses them too, with 50035). The choice is sent as a data URI on PATCH /users/@me.
import { useRef, useState } from 'react';
import { userPremiumPerks } from '@concord/protocol';
import { useSessionStore } from '../state/sessionStore.ts';
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { LockIcon, UploadIcon } from '../ui/Icons.dom.tsx';
import { readFileAsDataUrl } from '../emoji/readFile.dom.ts';
import './premium.css';

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const MAX_PROFILE_IMAGE_BYTES = 8 * 1024 * 1024;

export function ProfileMedia() {
  const premiumType = useSessionStore((s) => s.user?.premium_type ?? 0);
  const perks = userPremiumPerks(premiumType);
  const avatarRef = useRef<HTMLInputElement>(null);
  const bannerRef = useRef<HTMLInputElement>(null);
  const [bannerPreview, setBannerPreview] = useState<string | null>(null);
  const [avatarPreview, setAvatarPreview] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const upload = async (field: 'avatar' | 'banner', file: File) => {
    setMessage(null);
    if (!AVATAR_TYPES.includes(file.type)) return setMessage({ text: 'Use a PNG, JPEG, GIF or WebP image.', error: true });
    if (file.size > MAX_PROFILE_IMAGE_BYTES) return setMessage({ text: 'That image is over 8 MB.', error: true });
    if (field === 'avatar' && file.type === 'image/gif' && !perks.animatedAvatar) return setMessage({ text: 'Animated avatars are a Nitro perk. Use a still image, or ask an instance admin for Nitro.', error: true });
    if (field === 'banner' && !perks.profileBanner) return setMessage({ text: 'Profile banners are a Nitro perk.', error: true });
    try {
      const dataUri = await readFileAsDataUrl(file);
      const updated = await getSession().api.modifyMe({ [field]: dataUri });
      useSessionStore.getState().setUser(updated);
      if (field === 'banner') setBannerPreview(dataUri);
      else setAvatarPreview(dataUri);
      setMessage({ text: field === 'banner' ? 'Banner updated' : 'Avatar updated', error: false });
    } catch (err) {
      setMessage({ text: errorText(err), error: true });
    }
  };

  const picker = (field: 'avatar' | 'banner', ref: React.RefObject<HTMLInputElement | null>) => (
    <input
      ref={ref}
      type="file"
      hidden
      accept={AVATAR_TYPES.join(',')}
      data-testid={`${field}-file-input`}
      onChange={(e) => {
        const f = e.target.files?.[0];
        e.target.value = '';
        if (f) void upload(field, f);
      }}
    />
  );

  return (
    <div className="profile-media" data-testid="profile-media">
      <div className="field">
        <label>Avatar</label>
        <div className="media-row">
          {avatarPreview ? <img className="avatar-preview" src={avatarPreview} alt="New avatar" /> : null}
          <button className="btn small" onClick={() => avatarRef.current?.click()} data-testid="change-avatar">
            <UploadIcon size={14} /> Change Avatar
          </button>
          {!perks.animatedAvatar ? (
            <span className="perk-lock" title="Unlock with Nitro" data-testid="animated-avatar-lock">
              <LockIcon size={14} /> Animated (GIF) avatars unlock with Nitro
            </span>
          ) : null}
        </div>
        {picker('avatar', avatarRef)}
      </div>
      <div className="field">
        <label>Profile Banner</label>
        <div className={`banner-drop ${perks.profileBanner ? '' : 'locked'}`} style={bannerPreview ? { backgroundImage: `url(${bannerPreview})` } : undefined}>
          {perks.profileBanner ? (
            <button className="btn small" onClick={() => bannerRef.current?.click()} data-testid="change-banner">
              <UploadIcon size={14} /> Change Banner
            </button>
          ) : (
            <span className="perk-lock" title="Unlock with Nitro" data-testid="banner-lock">
              <LockIcon size={14} /> Profile banners unlock with Nitro
            </span>
          )}
        </div>
        {picker('banner', bannerRef)}
      </div>
      {message ? (
        <div className={message.error ? 'form-error' : 'form-ok'} data-testid="profile-media-message">
          {message.text}
        </div>
      ) : null}
    </div>
  );
}
