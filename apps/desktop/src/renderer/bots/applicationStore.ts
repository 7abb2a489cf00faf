// The developer portal's data: the applications this user owns (GET /applications). Bot tokens
// are never kept here: the portal shows a new token once, in the view that received it.
import { create } from 'zustand';
import type { DevApplication } from './botDecoders.ts';

export type ApplicationList =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; applications: DevApplication[] }
  | { status: 'failed'; error: string };

export interface ApplicationStore {
  list: ApplicationList;
  setList(list: ApplicationList): void;
  /** Adds or replaces one application (after create, edit, bot creation). */
  upsert(app: DevApplication): void;
  reset(): void;
}

export const useApplicationStore = create<ApplicationStore>()((set) => ({
  list: { status: 'idle' },
  setList: (list) => set({ list }),
  upsert: (app) =>
    set((s) => {
      const current = s.list.status === 'ready' ? s.list.applications : [];
      const next = current.some((a) => a.id === app.id) ? current.map((a) => (a.id === app.id ? app : a)) : [...current, app];
      return { list: { status: 'ready', applications: next } };
    }),
  reset: () => set({ list: { status: 'idle' } }),
}));
