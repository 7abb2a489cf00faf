// What the user does with DM calls: start or join (op 4 with guild_id null, through the voice
// actions: the DM channel is the voice server id), decline (stop ringing for me) and ring again.
import { getSession } from '../session/currentSession.ts';
import { errorText } from '../session/actions.ts';
import { useUiStore } from '../state/uiStore.ts';
import { joinVoiceChannel } from '../voice/voiceActions.ts';

/** "Start Voice Call" in a DM header, "Join Call" in its call panel, and Accept on the incoming card. */
export function startOrJoinCall(channelId: string): void {
  joinVoiceChannel(channelId, channelId);
}

/** Decline: the server stops ringing this user (POST /channels/:id/call/stop-ringing). */
export async function declineCall(channelId: string): Promise<void> {
  try {
    await getSession().api.rest.post(`/channels/${channelId}/call/stop-ringing`, {});
  } catch (err) {
    useUiStore.getState().showToast(errorText(err));
  }
}

/** Ring everyone in the DM who is not in the call (again). */
export async function ringRecipients(channelId: string): Promise<void> {
  try {
    await getSession().api.rest.post(`/channels/${channelId}/call/ring`, {});
  } catch (err) {
    useUiStore.getState().showToast(errorText(err));
  }
}
