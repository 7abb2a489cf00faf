// Discord-style rich embeds: colour bar, author, title (optionally linked), description with
// Markdown, inline and block fields, image, thumbnail and footer with timestamp.
import type { APIEmbed } from '@concord/protocol';
import { resolveMediaUrl } from '../session/serverUrl.ts';
import { formatTimestamp } from '../ui/format.ts';
import { Markdown } from './Markdown.dom.tsx';
import { safeHttpUrl } from './links.ts';

/** Images from other sites are blocked by the CSP (no media proxy yet): hide them, not a broken icon. */
function hideBroken(e: React.SyntheticEvent<HTMLImageElement>): void {
  e.currentTarget.style.display = 'none';
}

export function Embed({ embed, guildId }: { embed: APIEmbed; guildId: string | undefined }) {
  const color = embed.color !== undefined ? `#${embed.color.toString(16).padStart(6, '0')}` : undefined;
  const titleUrl = safeHttpUrl(embed.url);
  const image = embed.image?.url ? resolveMediaUrl(embed.image.url) : '';
  const thumb = embed.thumbnail?.url ? resolveMediaUrl(embed.thumbnail.url) : '';
  return (
    <article className="embed" style={color ? { borderLeftColor: color } : undefined} data-testid="embed">
      {embed.author ? (
        <div className="e-author">
          {embed.author.icon_url ? <img src={resolveMediaUrl(embed.author.icon_url)} alt="" width={24} height={24} style={{ borderRadius: '50%' }} /> : null}
          {safeHttpUrl(embed.author.url) ? (
            <a href={safeHttpUrl(embed.author.url)!} target="_blank" rel="noreferrer noopener" style={{ color: 'inherit' }}>
              {embed.author.name}
            </a>
          ) : (
            <span>{embed.author.name}</span>
          )}
        </div>
      ) : null}
      {embed.title ? (
        <div className="e-title" data-testid="embed-title">
          {titleUrl ? (
            <a href={titleUrl} target="_blank" rel="noreferrer noopener">
              <Markdown content={embed.title} inline guildId={guildId} />
            </a>
          ) : (
            <Markdown content={embed.title} inline guildId={guildId} />
          )}
        </div>
      ) : null}
      {embed.description ? (
        <div className="e-desc">
          <Markdown content={embed.description} guildId={guildId} />
        </div>
      ) : null}
      {embed.fields && embed.fields.length > 0 ? (
        <div className="e-fields">
          {embed.fields.map((f, i) => (
            <div key={i} className={`e-field ${f.inline ? 'inline' : ''}`}>
              <div className="fname">
                <Markdown content={f.name} inline guildId={guildId} />
              </div>
              <div>
                <Markdown content={f.value} guildId={guildId} />
              </div>
            </div>
          ))}
        </div>
      ) : null}
      {thumb ? <img className="e-thumb" src={thumb} alt="" onError={hideBroken} /> : null}
      {image ? (
        <div className="e-image">
          <img src={image} alt="" loading="lazy" onError={hideBroken} />
        </div>
      ) : null}
      {embed.footer || embed.timestamp ? (
        <div className="e-footer">
          {embed.footer?.icon_url ? <img src={resolveMediaUrl(embed.footer.icon_url)} alt="" width={20} height={20} style={{ borderRadius: '50%' }} /> : null}
          <span>
            {embed.footer?.text}
            {embed.footer && embed.timestamp ? ' • ' : ''}
            {embed.timestamp ? formatTimestamp(embed.timestamp) : ''}
          </span>
        </div>
      ) : null}
    </article>
  );
}
