// Top level: the auth screens when signed out, the app shell otherwise; keeps the theme
// attribute on <html> in sync with the settings.
import { useEffect } from 'react';
import { AuthScreen } from './auth/AuthScreen.dom.tsx';
import { AppShell } from './components/AppShell.dom.tsx';
import { useSessionStore } from './state/sessionStore.ts';
import { useUiStore } from './state/uiStore.ts';

export function App() {
  const status = useSessionStore((s) => s.session.status);
  const theme = useUiStore((s) => s.settings.theme);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  return status === 'signedOut' ? <AuthScreen /> : <AppShell />;
}
