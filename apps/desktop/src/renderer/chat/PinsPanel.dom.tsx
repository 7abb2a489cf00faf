// Pinned messages of the open channel, loaded when the panel opens.
import { useEffect, useState } from 'react';
import type { APIMessage } from '@concord/protocol';
import { useMessageStore } from '../state/messageStore.ts';
import { loadPins, errorText } from '../session/actions.ts';
import { MessageItem } from './MessageItem.dom.tsx';
import { PinIcon } from '../ui/Icons.dom.tsx';

const NONE: APIMessage[] = [];

export function PinsPanel({ channelId }: { channelId: string }) {
  const pins = useMessageStore((s) => s.pins[channelId]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadPins(channelId).catch((err: unknown) => setError(errorText(err)));
  }, [channelId]);
  const list = pins ?? NONE;
  return (
    <section className="pins-panel" data-testid="pins-panel">
      <header>Pinned Messages</header>
      <div className="plist">
        {error ? <div className="empty">{error}</div> : null}
        {!error && pins && list.length === 0 ? (
          <div className="empty">
            <PinIcon size={40} />
            <div style={{ marginTop: 12 }}>This channel doesn&apos;t have any pinned messages... yet.</div>
          </div>
        ) : null}
        {list.map((m) => (
          <div className="pin" key={m.id} data-testid="pinned-message">
            <MessageItem message={m} groupStart compactPreview />
          </div>
        ))}
      </div>
    </section>
  );
}
