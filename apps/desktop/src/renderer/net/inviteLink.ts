// Invite links (`/invite/CODE`) open the web client: the code is kept until the user is signed
// in, then offered in the Join a Server dialog.
const KEY = 'concord.pendingInvite';

/** Called at boot: remembers an invite code from the URL and tidies the address bar. */
export function captureInviteFromUrl(): void {
  if (typeof location === 'undefined') return;
  const m = location.pathname.match(/^\/invite\/([A-Za-z0-9-]{2,32})\/?$/);
  if (!m) return;
  sessionStorage.setItem(KEY, m[1]!);
  history.replaceState(null, '', '/');
}

export function takePendingInvite(): string | null {
  const code = sessionStorage.getItem(KEY);
  if (code) sessionStorage.removeItem(KEY);
  return code;
}
