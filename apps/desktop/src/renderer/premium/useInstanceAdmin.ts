// Whether the signed-in user administers this instance, asked once per signed-in user and kept
// (User Settings shows the Instance Admin page only then; the server checks every admin call).
import { useEffect } from 'react';
import { create } from 'zustand';
import { useSessionStore } from '../state/sessionStore.ts';
import { fetchIsInstanceAdmin } from './premiumApi.ts';

const useAdminStore = create<{ userId: string | null; admin: boolean }>()(() => ({ userId: null, admin: false }));

export function useInstanceAdmin(): boolean {
  const userId = useSessionStore((s) => s.user?.id ?? null);
  const known = useAdminStore((s) => (s.userId === userId ? s.admin : null));
  useEffect(() => {
    if (!userId || known !== null) return;
    fetchIsInstanceAdmin().then(
      (admin) => useAdminStore.setState({ userId, admin }),
      (err: unknown) => {
        console.warn('could not ask whether this user is an instance admin', err);
        useAdminStore.setState({ userId, admin: false });
      },
    );
  }, [userId, known]);
  return known ?? false;
}
