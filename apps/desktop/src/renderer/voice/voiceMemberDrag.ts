// Drag to move (Discord: a moderator drags a member listed under a voice channel onto another
// voice channel). The drag carries `{guildId, userId, channelId}` under its own MIME type; the
// drop reads it back through `parseVoiceMemberDrag` (a drop can come from anywhere, even another
// window or app, so it is parsed like any other input). While a drag from this page is under way,
// `draggingVoiceMember` says what it is: dragover cannot read the data (the browser only shows the
// types then), and the sidebar needs the source channel to not offer it as a target.

import { z } from 'zod';
import { parseJsonWith } from '../state/parseJsonWith.ts';

export const VOICE_MEMBER_MIME = 'application/x-concord-voice-member';
const snowflake = z.string().regex(/^\d{1,20}$/);
const VoiceMemberDragSchema = z.object({ guildId: snowflake, userId: snowflake, channelId: snowflake });

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
  return parseJsonWith(VoiceMemberDragSchema, raw, 200);
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
