// The camera picked in Voice & Video, kept per device in localStorage (as Discord keeps devices per
// machine; a stored id the browser no longer lists falls back to the default camera).
const KEY = 'concord.video.cameraDeviceId';

const storage = (): Storage | null => ('localStorage' in globalThis ? globalThis.localStorage : null);

export function cameraDeviceId(): string | null {
  const id = storage()?.getItem(KEY) ?? null;
  return id !== null && id.length > 0 && id.length <= 256 ? id : null;
}

export function setCameraDeviceId(id: string | null): void {
  try {
    if (id === null) storage()?.removeItem(KEY);
    else storage()?.setItem(KEY, id);
  } catch (err) {
    console.warn('could not store the camera choice', err);
  }
}
