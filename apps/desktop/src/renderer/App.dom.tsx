// Top level: the invite landing while an invite link is being handled, the auth screens when
// signed out, the app shell otherwise; keeps the theme attribute on <html> in sync with the settings.
import { useEffect } from 'react';
import { AuthScreen } from './auth/AuthScreen.dom.tsx';
import { InviteAuthHeader, InviteLanding } from './guild/InviteLanding.dom.tsx';
import { AppShell } from './AppShell.dom.tsx';
import { useInviteFlow } from './guild/inviteLink.ts';
import { useSessionStore } from './state/sessionStore.ts';
import { useUiStore } from './state/uiStore.ts';

/** After log in or register from an invite: accept it if that is what the visitor chose, else show it again. */
function continueInviteAfterSignIn(): void {
  const { flow, setFlow } = useInviteFlow.getState();
  if (flow.step === 'signIn') setFlow(flow.acceptAfter ? { step: 'joining', code: flow.code } : { step: 'landing', code: flow.code });
}

export function App() {
  const status = useSessionStore((s) => s.session.status);
  const theme = useUiStore((s) => s.settings.theme);
  const invite = useInviteFlow((s) => s.flow);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  if (invite.step === 'signIn' && status === 'signedOut') {
    return <AuthScreen key={invite.mode} initialMode={invite.mode} banner={<InviteAuthHeader />} onSignedIn={continueInviteAfterSignIn} />;
  }
  if (invite.step !== 'none') return <InviteLanding code={invite.code} />;
  return status === 'signedOut' ? <AuthScreen /> : <AppShell />;
}
