// What the user is looking at: the selected guild and channel, open modal, menus, panels and
// per-channel composer state (reply target, edit target, uploads). Nothing here comes from the server.
import { settingsFromStored } from '../../shared/settingsFromStored.ts';
import { create } from 'zustand';
import type { ClientSettings } from '../../shared/bridge.ts';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import type { InteractionModal } from '../bots/botDecoders.ts';

export const HOME = '@me';

export type GuildSettingsTab = 'overview' | 'roles' | 'emoji' | 'stickers' | 'boosts' | 'members' | 'bans' | 'invites';
export type ChannelSettingsTab = 'overview' | 'permissions';
export type UserSettingsTab =
  | 'account'
  | 'profile'
  | 'appearance'
  | 'voice'
  | 'keybinds'
  | 'overlay'
  | 'games'
  | 'notifications'
  | 'activity'
  | 'advanced'
  | 'applications'
  | 'nitro'
  | 'admin';

export type ModalState =
  | { kind: 'addGuild'; step: 'choose' | 'create' | 'join'; code?: string }
  | { kind: 'createChannel'; guildId: string; parentId: string | null; category: boolean }
  | { kind: 'invite'; guildId: string; channelId: string }
  | { kind: 'guildSettings'; guildId: string; tab: GuildSettingsTab }
  | { kind: 'channelSettings'; channelId: string; tab: ChannelSettingsTab }
  | { kind: 'userSettings'; tab: UserSettingsTab }
  | { kind: 'createDM' }
  /** A bot's modal (interaction response type 9); `messageId` is the message whose component opened it. */
  | { kind: 'interactionModal'; modal: InteractionModal; applicationId: string; channelId: string; messageId: string | null }
  | { kind: 'confirm'; title: string; body: string; confirmLabel: string; danger: boolean; onConfirm: () => void };

export type ContextMenuState =
  | { kind: 'message'; x: number; y: number; channelId: string; messageId: string }
  | { kind: 'channel'; x: number; y: number; channelId: string }
  | { kind: 'guild'; x: number; y: number; guildId: string }
  | { kind: 'user'; x: number; y: number; userId: string }
  | { kind: 'voiceMember'; x: number; y: number; guildId: string; userId: string };

export interface UploadState {
  id: string;
  channelId: string;
  filenames: string[];
  totalBytes: number;
  /** 0..1 from XMLHttpRequest upload progress. */
  progress: number;
  status: 'uploading' | 'processing' | 'failed';
  error: string | null;
}

export interface UiStore {
  selectedGuildId: string;
  /** Last opened channel per guild (and HOME), so switching guilds returns where the user was. */
  channelByGuild: Record<string, string | null>;
  modal: ModalState | null;
  contextMenu: ContextMenuState | null;
  reactionPicker: { channelId: string; messageId: string; x: number; y: number } | null;
  quickSwitcherOpen: boolean;
  pinsOpen: boolean;
  memberListOpen: boolean;
  lightbox: { url: string; filename: string } | null;
  replyTo: Record<string, string | null>;
  editing: { channelId: string; messageId: string } | null;
  collapsedCategories: Record<string, boolean>;
  uploads: Record<string, UploadState[]>;
  /** Files picked or dropped but not sent yet, per channel (sent with the next message). */
  stagedFiles: Record<string, File[]>;
  /** The read marker captured when a channel was opened: where the "new messages" divider goes. */
  unreadMarker: Record<string, string | null>;
  settings: ClientSettings;
  toast: { id: number; text: string } | null;
  selectGuild(guildId: string): void;
  selectChannel(guildId: string, channelId: string | null): void;
  openModal(modal: ModalState): void;
  closeModal(): void;
  setContextMenu(menu: ContextMenuState | null): void;
  setReactionPicker(p: UiStore['reactionPicker']): void;
  setQuickSwitcher(open: boolean): void;
  togglePins(): void;
  toggleMemberList(): void;
  setLightbox(l: UiStore['lightbox']): void;
  setReplyTo(channelId: string, messageId: string | null): void;
  setEditing(e: UiStore['editing']): void;
  toggleCategory(categoryId: string): void;
  upsertUpload(u: UploadState): void;
  removeUpload(channelId: string, id: string): void;
  stageFiles(channelId: string, files: File[]): void;
  unstageFile(channelId: string, index: number): void;
  clearStaged(channelId: string): void;
  setUnreadMarker(channelId: string, messageId: string | null): void;
  setSettings(settings: ClientSettings): void;
  showToast(text: string): void;
  reset(): void;
}

let toastSeq = 0;

export const useUiStore = create<UiStore>()((set) => ({
  selectedGuildId: HOME,
  channelByGuild: {},
  modal: null,
  contextMenu: null,
  reactionPicker: null,
  quickSwitcherOpen: false,
  pinsOpen: false,
  memberListOpen: true,
  lightbox: null,
  replyTo: {},
  editing: null,
  collapsedCategories: {},
  uploads: {},
  stagedFiles: {},
  unreadMarker: {},
  settings: DEFAULT_SETTINGS,
  toast: null,
  selectGuild: (selectedGuildId) => set({ selectedGuildId, pinsOpen: false }),
  selectChannel: (guildId, channelId) =>
    set((s) => ({ selectedGuildId: guildId, channelByGuild: { ...s.channelByGuild, [guildId]: channelId }, pinsOpen: false, editing: null })),
  openModal: (modal) => set({ modal, contextMenu: null, quickSwitcherOpen: false }),
  closeModal: () => set({ modal: null }),
  setContextMenu: (contextMenu) => set({ contextMenu }),
  setReactionPicker: (reactionPicker) => set({ reactionPicker, contextMenu: null }),
  setQuickSwitcher: (quickSwitcherOpen) => set({ quickSwitcherOpen }),
  togglePins: () => set((s) => ({ pinsOpen: !s.pinsOpen })),
  toggleMemberList: () => set((s) => ({ memberListOpen: !s.memberListOpen })),
  setLightbox: (lightbox) => set({ lightbox }),
  setReplyTo: (channelId, messageId) => set((s) => ({ replyTo: { ...s.replyTo, [channelId]: messageId } })),
  setEditing: (editing) => set({ editing }),
  toggleCategory: (id) => set((s) => ({ collapsedCategories: { ...s.collapsedCategories, [id]: !s.collapsedCategories[id] } })),
  upsertUpload: (u) =>
    set((s) => {
      const list = s.uploads[u.channelId] ?? [];
      const next = list.some((x) => x.id === u.id) ? list.map((x) => (x.id === u.id ? u : x)) : [...list, u];
      return { uploads: { ...s.uploads, [u.channelId]: next } };
    }),
  removeUpload: (channelId, id) =>
    set((s) => ({ uploads: { ...s.uploads, [channelId]: (s.uploads[channelId] ?? []).filter((x) => x.id !== id) } })),
  stageFiles: (channelId, files) =>
    set((s) => ({ stagedFiles: { ...s.stagedFiles, [channelId]: [...(s.stagedFiles[channelId] ?? []), ...files].slice(0, 10) } })),
  unstageFile: (channelId, index) =>
    set((s) => ({ stagedFiles: { ...s.stagedFiles, [channelId]: (s.stagedFiles[channelId] ?? []).filter((_, i) => i !== index) } })),
  clearStaged: (channelId) => set((s) => ({ stagedFiles: { ...s.stagedFiles, [channelId]: [] } })),
  setUnreadMarker: (channelId, messageId) => set((s) => ({ unreadMarker: { ...s.unreadMarker, [channelId]: messageId } })),
  // Through the one schema, section by section: a bridge from an older main process (or a stub) may
  // lack sections and keys added since, which then read as their defaults instead of undefined.
  setSettings: (settings) => set({ settings: settingsFromStored(settings, (key, reason) => console.warn(`settings section ${key} ignored: ${reason}`)) }),
  showToast: (text) => set({ toast: { id: ++toastSeq, text } }),
  reset: () =>
    set({
      selectedGuildId: HOME,
      channelByGuild: {},
      modal: null,
      contextMenu: null,
      reactionPicker: null,
      quickSwitcherOpen: false,
      pinsOpen: false,
      lightbox: null,
      replyTo: {},
      editing: null,
      uploads: {},
      stagedFiles: {},
      unreadMarker: {},
    }),
}));

export function currentChannelId(): string | null {
  const s = useUiStore.getState();
  return s.channelByGuild[s.selectedGuildId] ?? null;
}
