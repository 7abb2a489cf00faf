// Tells the desktop's main process who is signed in and which server this session uses
// (bridge.activity.setSession): games connected over the local RPC socket get their READY with this
// user, and main names games and fetches the detectable list from this server. Sent on every READY
// and when the user's profile changes; null when the session ends. Nothing in the web build.
import type { APISelfUser } from '@concord/protocol';
import type { ActivitySession, ActivitySessionUser } from '../../shared/activityBridge.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import type { Session } from './currentSession.ts';
import { apiBaseUrl } from './serverUrl.ts';

/** READY's user fields games see (Discord's RPC READY `user`). */
export function activitySessionUser(user: APISelfUser): ActivitySessionUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    global_name: user.global_name,
    avatar: user.avatar,
    bot: user.bot ?? false,
    flags: user.flags,
    premium_type: user.premium_type,
  };
}

/** Starts reporting the session's user to main; returns the function that stops (and reports null). */
export function followSignedInSession(session: Session): () => void {
  const activity = session.bridge.activity;
  if (activity === undefined) return () => undefined;
  let sentKey: string | null = null;
  const report = (next: ActivitySession | null) => {
    const key = JSON.stringify(next);
    if (key === sentKey) return;
    sentKey = key;
    activity.setSession(next).catch((error: unknown) => console.warn('could not tell the app who is signed in', error));
  };
  const reportUser = (user: APISelfUser) => report({ user: activitySessionUser(user), apiBaseUrl: apiBaseUrl() });
  // READY's own user: this listener runs before the session's READY handler fills the store.
  const stopOnReady = session.gateway.on('ready', (ready) => reportUser(ready.user));
  // A profile change (USER_UPDATE) while connected; the store's user from a saved snapshot before
  // READY is not reported (the token might no longer be valid).
  const stopOnUser = useSessionStore.subscribe((state, previous) => {
    if (state.user !== null && state.user !== previous.user && session.gateway.state.status === 'ready') reportUser(state.user);
  });
  return () => {
    stopOnReady();
    stopOnUser();
    report(null);
  };
}
