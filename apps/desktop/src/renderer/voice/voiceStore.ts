// The voice store (zustand): voice states per guild, this client's connection, its self mute /
// deafen, who is speaking, the local input level, and per-user volume and local mute (kept in
// localStorage, as Discord keeps them per device). Transitions are the pure reducers in
// voiceReducers.ts; the engine and the gateway feed it, components read it.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';
import type { VoiceServerUpdate, VoiceStateUpdate } from './voiceDecoders.ts';
import {
  DISCONNECTED,
  applyVoiceStateUpdate,
  onEngineConnected,
  onEngineLost,
  onOwnVoiceState,
  onPing,
  onVoiceServerUpdate,
  removeGuildVoiceStates,
  replaceGuildVoiceStates,
  requestJoin,
  type VoiceConnection,
  type VoiceStates,
} from './voiceReducers.ts';

export interface UserAudio {
  /** 0..200 percent. */
  volume: number;
  localMute: boolean;
}

export const DEFAULT_USER_AUDIO: UserAudio = { volume: 100, localMute: false };
const USER_AUDIO_KEY = 'concord.voice.userAudio';

export interface VoiceStore {
  states: VoiceStates;
  connection: VoiceConnection;
  selfMute: boolean;
  selfDeaf: boolean;
  /** userId -> speaking now (remote from op 5 and received audio, local from the analyser). */
  speaking: Readonly<Record<string, true>>;
  /** The microphone's level in dBFS (-100 when silent or not capturing), for the settings meter. */
  inputLevelDb: number;
  userAudio: Readonly<Record<string, UserAudio>>;
  applyState(guildId: string, update: VoiceStateUpdate, ownUserId: string | null, ownSessionId: string | null): void;
  loadGuild(guildId: string, updates: readonly VoiceStateUpdate[]): void;
  removeGuild(guildId: string): void;
  applyServer(update: VoiceServerUpdate): void;
  requestJoin(guildId: string, channelId: string): void;
  leave(): void;
  engineConnected(token: string): void;
  engineLost(token: string): void;
  setPing(pingMs: number): void;
  setSelfFlags(flags: { selfMute: boolean; selfDeaf: boolean }): void;
  setSpeaking(userId: string, speaking: boolean): void;
  setInputLevel(db: number): void;
  setUserAudio(userId: string, patch: Partial<UserAudio>): void;
  reset(): void;
}

/** localStorage where there is one (not in unit tests under Node). */
const storage = (): Storage | null => ('localStorage' in globalThis ? globalThis.localStorage : null);

function loadUserAudio(): Record<string, UserAudio> {
  try {
    const raw: unknown = JSON.parse(storage()?.getItem(USER_AUDIO_KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const out: Record<string, UserAudio> = {};
    for (const [id, v] of Object.entries(raw)) {
      if (!/^\d{1,20}$/.test(id) || typeof v !== 'object' || v === null) continue;
      const volume: unknown = Reflect.get(v, 'volume');
      const localMute: unknown = Reflect.get(v, 'localMute');
      if (typeof volume !== 'number' || !Number.isFinite(volume) || typeof localMute !== 'boolean') continue;
      out[id] = { volume: Math.min(200, Math.max(0, volume)), localMute };
    }
    return out;
  } catch (err) {
    console.warn('stored per-user voice settings were unreadable; starting fresh', err);
    return {};
  }
}

function saveUserAudio(userAudio: Readonly<Record<string, UserAudio>>): void {
  try {
    storage()?.setItem(USER_AUDIO_KEY, JSON.stringify(userAudio));
  } catch (err) {
    console.warn('could not store per-user voice settings', err);
  }
}

export const useVoiceStore = create<VoiceStore>()((set) => ({
  states: {},
  connection: DISCONNECTED,
  selfMute: false,
  selfDeaf: false,
  speaking: {},
  inputLevelDb: -100,
  userAudio: loadUserAudio(),
  applyState: (guildId, update, ownUserId, ownSessionId) =>
    set((s) => {
      const states = applyVoiceStateUpdate(s.states, guildId, update);
      const connection = update.userId === ownUserId ? onOwnVoiceState(s.connection, { ...update, guildId }, ownSessionId) : s.connection;
      const speaking = update.channelId === null && s.speaking[update.userId] ? withoutKey(s.speaking, update.userId) : s.speaking;
      return states === s.states && connection === s.connection && speaking === s.speaking ? s : { states, connection, speaking };
    }),
  loadGuild: (guildId, updates) => set((s) => ({ states: replaceGuildVoiceStates(s.states, guildId, updates) })),
  removeGuild: (guildId) =>
    set((s) => ({
      states: removeGuildVoiceStates(s.states, guildId),
      connection: s.connection.status !== 'disconnected' && s.connection.guildId === guildId ? DISCONNECTED : s.connection,
    })),
  applyServer: (update) => set((s) => ({ connection: onVoiceServerUpdate(s.connection, update) })),
  requestJoin: (guildId, channelId) => set((s) => ({ connection: requestJoin(s.connection, guildId, channelId) })),
  leave: () => set({ connection: DISCONNECTED, speaking: {} }),
  engineConnected: (token) => set((s) => ({ connection: onEngineConnected(s.connection, token) })),
  engineLost: (token) => set((s) => ({ connection: onEngineLost(s.connection, token), speaking: {} })),
  setPing: (pingMs) => set((s) => ({ connection: onPing(s.connection, pingMs) })),
  setSelfFlags: ({ selfMute, selfDeaf }) => set({ selfMute: selfMute || selfDeaf, selfDeaf }),
  setSpeaking: (userId, speaking) =>
    set((s) => {
      if (!!s.speaking[userId] === speaking) return s;
      return { speaking: speaking ? { ...s.speaking, [userId]: true } : withoutKey(s.speaking, userId) };
    }),
  setInputLevel: (inputLevelDb) => set((s) => (Math.abs(s.inputLevelDb - inputLevelDb) < 0.5 ? s : { inputLevelDb })),
  setUserAudio: (userId, patch) =>
    set((s) => {
      const userAudio = { ...s.userAudio, [userId]: { ...DEFAULT_USER_AUDIO, ...s.userAudio[userId], ...patch } };
      saveUserAudio(userAudio);
      return { userAudio };
    }),
  reset: () => set({ states: {}, connection: DISCONNECTED, speaking: {}, inputLevelDb: -100 }),
}));

export function userAudioOf(userId: string): UserAudio {
  return useVoiceStore.getState().userAudio[userId] ?? DEFAULT_USER_AUDIO;
}
