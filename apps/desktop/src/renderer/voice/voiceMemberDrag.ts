// Drag to move (Discord: a moderator drags a member listed under a voice channel onto another
// voice channel). The drag carries `{guildId, userId, channelId}` under its own MIME type; the
// drop reads it back through `parseVoiceMemberDrag` (a drop can come from anywhere, even another
// window or app, so it is parsed like any other input). While a drag from this page is under way,
// `draggingVoiceMember` says what it is: dragover cannot read the data (the browser only shows the
// types then), and the sidebar needs the source channel to not offer it as a target.

export const VOICE_MEMBER_MIME = 'application/x-concord-voice-member';
const SNOWFLAKE = /^\d{1,20}$/;

export interface VoiceMemberDrag {
  guildId: string;
  userId: string;
  /** The channel the member is in when the drag starts. */
  channelId: string;
}

export function serializeVoiceMemberDrag(drag: VoiceMemberDrag): string {
  return JSON.stringify({ guildId: drag.guildId, userId: drag.userId, channelId: drag.channelId });
}

export function parseVoiceMemberDrag(raw: string): VoiceMemberDrag | null {
  if (raw.length === 0 || raw.length > 200) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const guildId: unknown = Reflect.get(value, 'guildId');
  const userId: unknown = Reflect.get(value, 'userId');
  const channelId: unknown = Reflect.get(value, 'channelId');
  if (typeof guildId !== 'string' || typeof userId !== 'string' || typeof channelId !== 'string') return null;
  if (!SNOWFLAKE.test(guildId) || !SNOWFLAKE.test(userId) || !SNOWFLAKE.test(channelId)) return null;
  return { guildId, userId, channelId };
}

/** Whether a drop of `drag` on voice channel `channelId` of `guildId` is a move to offer. */
export function isMoveTarget(drag: VoiceMemberDrag | null, guildId: string, channelId: string): boolean {
  return drag !== null && drag.guildId === guildId && drag.channelId !== channelId;
}

let current: VoiceMemberDrag | null = null;

/** The drag this page started, until it ends (drop or cancel). */
export function draggingVoiceMember(): VoiceMemberDrag | null {
  return current;
}

export function setDraggingVoiceMember(drag: VoiceMemberDrag | null): void {
  current = drag;
}
