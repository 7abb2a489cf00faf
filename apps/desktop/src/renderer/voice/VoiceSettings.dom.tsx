// The Voice & Video settings page's voice part: input and output device, input and output
// volume, input mode (Voice Activity or Push to Talk with its key and release delay), input
// sensitivity (automatic, or a dBFS threshold with a live meter from the microphone while the
// page is open), and the browser's echo cancellation, noise suppression and automatic gain control.
import { useEffect, useRef, useState } from 'react';
import type { ClientSettings } from '../../shared/bridge.ts';
import { useUiStore } from '../state/uiStore.ts';
import { SwitchRow } from '../ui/SettingsLayout.dom.tsx';
import { audioContext, unlockAudio } from './audioContext.dom.ts';
import { MicrophoneCapture } from './MicrophoneCapture.dom.ts';
import { useKeybindRecorder } from './useKeybindRecorder.dom.ts';
import { VoiceGate } from './VoiceGate.ts';
import { CameraSettings } from '../video/CameraSettings.dom.tsx';

type Patch = (patch: Partial<ClientSettings>) => void;

/** dBFS shown on the meter: -100 (left) .. 0 (right). */
const dbToPercent = (db: number) => Math.max(0, Math.min(100, db + 100));

export function VoiceSettings({ devices, update }: { devices: MediaDeviceInfo[]; update: Patch }) {
  const settings = useUiStore((s) => s.settings);
  const voice = settings.voice;
  const input = settings.voiceInput;
  const setVoice = (patch: Partial<ClientSettings['voice']>) => update({ voice: { ...voice, ...patch } });
  const setInput = (patch: Partial<ClientSettings['voiceInput']>) => update({ voiceInput: { ...input, ...patch } });
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  const label = (d: MediaDeviceInfo, i: number) => d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}`;
  return (
    <>
      <div style={{ display: 'flex', gap: 16 }}>
        <div className="field" style={{ flex: 1 }}>
          <label htmlFor="v-in">Input device</label>
          <select id="v-in" className="input" value={voice.inputDeviceId ?? ''} onChange={(e) => setVoice({ inputDeviceId: e.target.value || null })} data-testid="input-device">
            <option value="">Default</option>
            {inputs.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {label(d, i)}
              </option>
            ))}
          </select>
        </div>
        <div className="field" style={{ flex: 1 }}>
          <label htmlFor="v-out">Output device</label>
          <select id="v-out" className="input" value={voice.outputDeviceId ?? ''} onChange={(e) => setVoice({ outputDeviceId: e.target.value || null })} data-testid="output-device">
            <option value="">Default</option>
            {outputs.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {label(d, i)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div style={{ display: 'flex', gap: 16 }}>
        <div className="field" style={{ flex: 1 }}>
          <label htmlFor="v-invol">Input volume — {voice.inputVolume}%</label>
          <input id="v-invol" type="range" min={0} max={200} value={voice.inputVolume} onChange={(e) => setVoice({ inputVolume: Number(e.target.value) })} />
        </div>
        <div className="field" style={{ flex: 1 }}>
          <label htmlFor="v-outvol">Output volume — {voice.outputVolume}%</label>
          <input id="v-outvol" type="range" min={0} max={200} value={voice.outputVolume} onChange={(e) => setVoice({ outputVolume: Number(e.target.value) })} />
        </div>
      </div>
      <div className="divider" />
      <h3>Input Mode</h3>
      <div role="radiogroup" aria-label="Input Mode">
        {(['voiceActivity', 'pushToTalk'] as const).map((mode) => (
          <div
            key={mode}
            className={`radio-row ${input.mode === mode ? 'on' : ''}`}
            role="radio"
            aria-checked={input.mode === mode}
            tabIndex={0}
            data-testid={`input-mode-${mode}`}
            onClick={() => setInput({ mode })}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setInput({ mode })}
          >
            <span className="dot" />
            {mode === 'voiceActivity' ? 'Voice Activity' : 'Push to Talk'}
          </div>
        ))}
      </div>
      {input.mode === 'pushToTalk' ? <PushToTalkFields settings={settings} update={update} /> : <SensitivityField settings={settings} update={update} />}
      <div className="divider" />
      <h3>Voice Processing</h3>
      <SwitchRow label="Echo Cancellation" on={input.echoCancellation} onChange={(v) => setInput({ echoCancellation: v })} />
      <SwitchRow label="Noise Suppression" description="The browser's own noise suppression." on={input.noiseSuppression} onChange={(v) => setInput({ noiseSuppression: v })} />
      <SwitchRow label="RNNoise" description="Machine-learning noise suppression (RNNoise) on your microphone, running in the app." on={input.rnnoise} onChange={(v) => setInput({ rnnoise: v })} testId="rnnoise-switch" />
      <SwitchRow label="Automatic Gain Control" on={input.autoGainControl} onChange={(v) => setInput({ autoGainControl: v })} />
      <div className="divider" />
      <h3>Video Settings</h3>
      <CameraSettings devices={devices} />
    </>
  );
}

function PushToTalkFields({ settings, update }: { settings: ClientSettings; update: Patch }) {
  // The Keybinds page's recorder (by physical key): both pages write the same accelerators.
  const recorder = useKeybindRecorder<'pushToTalk'>((_action, accelerator) => update({ keybinds: { ...settings.keybinds, pushToTalk: accelerator } }));
  const recording = recorder.target !== null;
  const input = settings.voiceInput;
  return (
    <div style={{ display: 'flex', gap: 16, marginTop: 12 }}>
      <div className="field" style={{ flex: 1 }}>
        <label htmlFor="ptt-key">Shortcut</label>
        <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <button id="ptt-key" className="input" data-testid="ptt-key" data-recording={recording} onClick={() => recorder.record(recording ? null : 'pushToTalk')}>
            {recording ? (recorder.held === '' ? 'Press keys…' : `${recorder.held}+…`) : (settings.keybinds.pushToTalk ?? 'No keybind set')}
          </button>
          {settings.keybinds.pushToTalk !== null && !recording ? (
            <button className="btn link small" data-testid="ptt-key-clear" onClick={() => update({ keybinds: { ...settings.keybinds, pushToTalk: null } })}>
              Clear
            </button>
          ) : null}
        </span>
      </div>
      <div className="field" style={{ flex: 1 }}>
        <label htmlFor="ptt-delay">Push to Talk Release Delay — {input.pttReleaseDelayMs} ms</label>
        <input id="ptt-delay" type="range" min={0} max={2000} step={10} value={input.pttReleaseDelayMs} onChange={(e) => update({ voiceInput: { ...input, pttReleaseDelayMs: Number(e.target.value) } })} />
      </div>
    </div>
  );
}

/** Input sensitivity with a live meter: the microphone is open while this is on screen. */
function SensitivityField({ settings, update }: { settings: ClientSettings; update: Patch }) {
  const input = settings.voiceInput;
  const [levelDb, setLevelDb] = useState(-100);
  const [thresholdDb, setThresholdDb] = useState(input.sensitivityDb ?? -50);
  const [micError, setMicError] = useState<string | null>(null);
  const gate = useRef(new VoiceGate(input));
  gate.current.setSettings(input);
  const capture = useRef<MicrophoneCapture | null>(null);
  const initialSettings = useRef(settings);
  useEffect(() => {
    const ctx = audioContext();
    if (!ctx) return;
    unlockAudio();
    let cancelled = false;
    const timer = setInterval(() => {
      if (!capture.current) return;
      const db = capture.current.levelDb();
      gate.current.level(db, performance.now());
      setLevelDb(db);
      setThresholdDb(gate.current.thresholdDb);
    }, 50);
    MicrophoneCapture.open(ctx, initialSettings.current).then(
      (c) => {
        if (cancelled) c.close();
        else {
          capture.current = c;
          setMicError(c.error);
        }
      },
      (err: unknown) => setMicError(String(err)),
    );
    return () => {
      cancelled = true;
      clearInterval(timer);
      capture.current?.close();
      capture.current = null;
    };
  }, []);
  // Volume applies at once; the device is reopened only when its constraints changed.
  useEffect(() => {
    const c = capture.current;
    if (c) c.apply(settings).then(() => setMicError(c.error), (err: unknown) => setMicError(String(err)));
  }, [settings]);
  const automatic = input.sensitivityDb === null;
  const shownThreshold = automatic ? thresholdDb : (input.sensitivityDb ?? -50);
  return (
    <div style={{ marginTop: 12 }}>
      <h3>Input Sensitivity</h3>
      <SwitchRow label="Automatically determine input sensitivity" on={automatic} onChange={(v) => update({ voiceInput: { ...input, sensitivityDb: v ? null : Math.round(thresholdDb) } })} />
      <div className="voice-meter" data-testid="voice-meter" data-level-db={levelDb.toFixed(1)} aria-label="Input level">
        <div className={`level ${levelDb < shownThreshold ? 'below' : ''}`} style={{ width: `${dbToPercent(levelDb)}%` }} />
        <div className="threshold" style={{ left: `${dbToPercent(shownThreshold)}%` }} />
      </div>
      {!automatic ? (
        <input
          className="voice-meter-slider"
          type="range"
          min={-100}
          max={0}
          value={input.sensitivityDb ?? -50}
          aria-label="Input sensitivity threshold (dB)"
          data-testid="sensitivity-threshold"
          onChange={(e) => update({ voiceInput: { ...input, sensitivityDb: Number(e.target.value) } })}
        />
      ) : null}
      {micError ? <div className="form-error">Microphone: {micError}</div> : null}
    </div>
  );
}
