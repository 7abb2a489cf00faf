// The desktop's Go Live picker: the screens and windows bridge.screenCapture lists, as thumbnails
// in a dialog; resolves the chosen source id, or null when the user cancels. Mounted on its own
// root for the length of one choice.
import { createRoot } from 'react-dom/client';
import type { DesktopScreenCaptureBridge, ScreenCaptureSource } from '../../shared/screenCaptureBridge.ts';

export async function pickDesktopSource(bridge: DesktopScreenCaptureBridge): Promise<string | null> {
  const sources = await bridge.listSources();
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  return new Promise((resolve) => {
    const done = (id: string | null) => {
      root.unmount();
      host.remove();
      resolve(id);
    };
    root.render(<SourcePicker sources={sources} choose={done} />);
  });
}

function SourcePicker({ sources, choose }: { sources: ScreenCaptureSource[]; choose: (id: string | null) => void }) {
  const section = (kind: ScreenCaptureSource['kind'], title: string) => {
    const list = sources.filter((s) => s.kind === kind);
    return list.length === 0 ? null : (
      <>
        <h3>{title}</h3>
        <div className="source-grid">
          {list.map((s) => (
            <button key={s.id} className="source-tile" data-testid="screen-source" data-source-id={s.id} onClick={() => choose(s.id)}>
              {s.thumbnailDataUrl ? <img src={s.thumbnailDataUrl} alt="" /> : <span className="source-blank" />}
              <span>{s.name}</span>
            </button>
          ))}
        </div>
      </>
    );
  };
  return (
    <div className="modal-backdrop" onClick={() => choose(null)}>
      <div className="modal source-picker" role="dialog" aria-label="Screen Share" data-testid="screen-source-picker" onClick={(e) => e.stopPropagation()}>
        <h2>Screen Share</h2>
        {sources.length === 0 ? <p>Nothing to share was found.</p> : null}
        {section('screen', 'Screens')}
        {section('window', 'Applications')}
        <button className="button secondary" onClick={() => choose(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
