// A round avatar: the user's initials on a colour derived from their id, with an optional
// presence dot. Sizes follow Discord's (24, 32, 40, 80).
import type { PresenceStatus } from '@concord/protocol';
import { colorForId, userInitials } from './avatar.ts';

export interface AvatarProps {
  id: string;
  name: string;
  size?: number;
  status?: PresenceStatus | null;
  onClick?: () => void;
  className?: string;
}

export function Avatar({ id, name, size = 40, status, onClick, className }: AvatarProps) {
  const dot = Math.max(8, Math.round(size * 0.3));
  return (
    <span
      className={`avatar ${className ?? ''}`}
      style={{ width: size, height: size, background: colorForId(id), fontSize: Math.round(size * 0.38) }}
      onClick={onClick}
      aria-label={name}
      role={onClick ? 'button' : undefined}
    >
      <span className="initials">{userInitials(name)}</span>
      {status ? <span className={`status-dot ${status}`} style={{ width: dot, height: dot }} title={status} /> : null}
    </span>
  );
}
