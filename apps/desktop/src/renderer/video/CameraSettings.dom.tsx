// Voice & Video's video part: the camera picker (kept per device, cameraDevice.ts) and a live
// preview of the chosen camera while the page is open (stopped when it closes).
import { useEffect, useRef, useState } from 'react';
import { cameraDeviceId, setCameraDeviceId } from './cameraDevice.ts';

export function CameraSettings({ devices }: { devices: MediaDeviceInfo[] }) {
  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const [deviceId, setDeviceId] = useState(cameraDeviceId() ?? '');
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (!previewing) return;
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : true })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        setError(null);
        if (ref.current) ref.current.srcObject = s;
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [previewing, deviceId]);
  return (
    <div className="field" data-testid="camera-settings">
      <label htmlFor="v-camera">Camera</label>
      <select
        id="v-camera"
        className="input"
        value={deviceId}
        data-testid="camera-device"
        onChange={(e) => {
          setDeviceId(e.target.value);
          setCameraDeviceId(e.target.value || null);
        }}
      >
        <option value="">Default</option>
        {cameras.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `Camera ${i + 1}`}
          </option>
        ))}
      </select>
      <div className="camera-preview" data-testid="camera-preview">
        {previewing ? <video ref={ref} autoPlay muted playsInline /> : null}
      </div>
      <button className="button secondary" data-testid="camera-test" onClick={() => setPreviewing((p) => !p)}>
        {previewing ? 'Stop Video' : 'Test Video'}
      </button>
      {error !== null ? <span role="alert">{error}</span> : null}
    </div>
  );
}
