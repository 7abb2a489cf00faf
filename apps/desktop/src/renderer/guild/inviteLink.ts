// Invite links (`/invite/CODE`) open the web client on the invite landing: the server's card with
// "Accept Invite", and log in / register beside it when signed out. This module owns that flow
// (one discriminated union) and the public invite preview it shows (`GET /invites/:code`).
import { create } from 'zustand';
import { RestError } from '@concord/client';
import { ErrorCode } from '@concord/protocol';
import { anonymousApi } from '../session/anonymousApi.ts';
import { isId, isNum, isObj, isStr } from '../session/decoders.ts';

/** What the landing shows: only the fields of Discord's invite object it needs. */
export interface InvitePreview {
  code: string;
  guild: { id: string; name: string; icon: string | null };
  channelName: string | null;
  memberCount: number | null;
  onlineCount: number | null;
}

export type InvitePreviewState = { status: 'loading' } | { status: 'loaded'; invite: InvitePreview } | { status: 'invalid' } | { status: 'unreachable' };

export type InviteFlow =
  | { step: 'none' }
  /** The server's card with Accept Invite (and, signed out, Log In / Register). */
  | { step: 'landing'; code: string }
  /** Signed out, on the log in or register form; afterwards the invite is accepted or shown again. */
  | { step: 'signIn'; code: string; mode: 'login' | 'register'; acceptAfter: boolean }
  /** Signed in and accepting: joins, then opens the server. */
  | { step: 'joining'; code: string };

interface InviteFlowStore {
  flow: InviteFlow;
  preview: InvitePreviewState;
  setFlow: (flow: InviteFlow) => void;
  setPreview: (preview: InvitePreviewState) => void;
}

export const useInviteFlow = create<InviteFlowStore>()((set) => ({
  flow: { step: 'none' },
  preview: { status: 'loading' },
  setFlow: (flow) => set({ flow }),
  setPreview: (preview) => set({ preview }),
}));

const INVITE_PATH = /^\/invite\/([A-Za-z0-9-]{2,32})\/?$/;

/** The invite code of a `/invite/CODE` path, or null. */
export function inviteCodeFromPath(pathname: string): string | null {
  return INVITE_PATH.exec(pathname)?.[1] ?? null;
}

/** Called at boot: an invite link opens the landing. The address keeps the link until the flow ends, so a reload shows it again. */
export function captureInviteFromUrl(): void {
  if (typeof location === 'undefined') return;
  const code = inviteCodeFromPath(location.pathname);
  if (code) useInviteFlow.getState().setFlow({ step: 'landing', code });
}

/** Leaves the landing for the app (or the log in screen) and tidies the address bar. */
export function endInviteFlow(): void {
  useInviteFlow.getState().setFlow({ step: 'none' });
  if (typeof location !== 'undefined' && inviteCodeFromPath(location.pathname)) history.replaceState(null, '', '/');
}

/** Decodes `GET /invites/:code?with_counts=true`; null when it is not an invite to a server. */
export function decodeInvitePreview(x: unknown): InvitePreview | null {
  if (!isObj(x) || !isStr(x['code']) || !isObj(x['guild'])) return null;
  const g = x['guild'];
  if (!isId(g['id']) || !isStr(g['name'])) return null;
  const channel = x['channel'];
  return {
    code: x['code'],
    guild: { id: g['id'], name: g['name'], icon: isStr(g['icon']) ? g['icon'] : null },
    channelName: isObj(channel) && isStr(channel['name']) ? channel['name'] : null,
    memberCount: isNum(x['approximate_member_count']) ? x['approximate_member_count'] : null,
    onlineCount: isNum(x['approximate_presence_count']) ? x['approximate_presence_count'] : null,
  };
}

/** Loads the public preview (no token: the landing shows it before anyone signs in). */
export async function loadInvitePreview(code: string): Promise<void> {
  const { setPreview } = useInviteFlow.getState();
  setPreview({ status: 'loading' });
  try {
    const res: unknown = await anonymousApi().rest.get(`/invites/${encodeURIComponent(code)}`, { query: { with_counts: true } });
    const invite = decodeInvitePreview(res);
    setPreview(invite ? { status: 'loaded', invite } : { status: 'invalid' });
  } catch (err) {
    if (err instanceof RestError && (err.code === ErrorCode.UnknownInvite || err.status === 404)) setPreview({ status: 'invalid' });
    else {
      console.warn('loading the invite failed', err);
      setPreview({ status: 'unreachable' });
    }
  }
}
