// A custom emoji drawn as its image (messages, reactions, the picker), and a message's stickers.
// An image that fails to load falls back to `:name:`, as Discord shows a deleted emoji's text.
import { useMemo, useState } from 'react';
import { decodeList, emojiUrl, stickerUrl, StickerFormat, StickerItemSchema } from './expressions.ts';

export function CustomEmoji({ id, name, animated, size }: { id: string; name: string; animated: boolean; size?: number }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <span className="custom-emoji-text" title={`:${name}:`}>:{name}:</span>;
  return (
    <img
      className="custom-emoji"
      src={emojiUrl(id, animated)}
      alt={`:${name}:`}
      title={`:${name}:`}
      draggable={false}
      data-testid="custom-emoji"
      data-emoji-id={id}
      style={size ? { width: size, height: size } : undefined}
      onError={() => setFailed(true)}
    />
  );
}

/**
 * A message's `sticker_items` under its content (decoded here: the message decoder leaves them
 * alone): images at 160 px; Lottie stickers show their name.
 */
export function MessageStickers({ raw }: { raw: unknown }) {
  const items = useMemo(() => decodeList(StickerItemSchema, raw).items.slice(0, 3), [raw]);
  if (items.length === 0) return null;
  return (
    <div className="sticker-items">
      {items.map((s) =>
        s.format_type === StickerFormat.LOTTIE ? (
          <div key={s.id} className="sticker lottie" data-testid="message-sticker" title={s.name}>{s.name}</div>
        ) : (
          <img key={s.id} className="sticker" src={stickerUrl(s.id, s.format_type)} alt={s.name} title={s.name} width={160} height={160} data-testid="message-sticker" data-sticker-id={s.id} />
        ),
      )}
    </div>
  );
}
