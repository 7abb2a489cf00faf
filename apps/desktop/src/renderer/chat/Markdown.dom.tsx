// Renders the Markdown tree from markdown.ts as React elements. Text stays text (React
// escapes it); links are http(s) only and open outside the app; mentions resolve to names.
import { Fragment, memo, useState, type ReactNode } from 'react';
import { parseInline, parseMarkdown, type MdNode } from './markdown.ts';
import { useGuildStore } from '../state/guildStore.ts';
import { displayName, useMemberStore } from '../state/memberStore.ts';
import { roleColor } from '../ui/avatar.ts';
import { navigateToChannel } from '../session/actions.ts';
import { HOME } from '../state/uiStore.ts';
import { CustomEmoji } from '../emoji/CustomEmoji.dom.tsx';

export const Markdown = memo(function Markdown({ content, inline = false, guildId }: { content: string; inline?: boolean; guildId?: string | undefined }) {
  const nodes = inline ? parseInline(content.replace(/\n/g, ' ')) : parseMarkdown(content);
  return <>{renderNodes(nodes, guildId)}</>;
});

export function renderNodes(nodes: MdNode[], guildId: string | undefined): ReactNode[] {
  return nodes.map((n, i) => <Node key={i} node={n} guildId={guildId} />);
}

function Node({ node, guildId }: { node: MdNode; guildId: string | undefined }): ReactNode {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return <br />;
    case 'strong':
      return <strong>{renderNodes(node.children, guildId)}</strong>;
    case 'em':
      return <em>{renderNodes(node.children, guildId)}</em>;
    case 'underline':
      return <u>{renderNodes(node.children, guildId)}</u>;
    case 'strike':
      return <s>{renderNodes(node.children, guildId)}</s>;
    case 'spoiler':
      return <Spoiler>{renderNodes(node.children, guildId)}</Spoiler>;
    case 'code':
      return <code className="md-code">{node.text}</code>;
    case 'codeBlock':
      return (
        <pre className="md-codeblock" data-testid="code-block" data-lang={node.lang ?? undefined}>
          <code>{node.text}</code>
        </pre>
      );
    case 'blockquote':
      return (
        <div className="md-quote">
          <div>{renderNodes(node.children, guildId)}</div>
        </div>
      );
    case 'link':
      return (
        <a href={node.url} target="_blank" rel="noreferrer noopener" title={node.url}>
          {renderNodes(node.children, guildId)}
        </a>
      );
    case 'userMention':
      return <UserMention id={node.id} guildId={guildId} />;
    case 'roleMention':
      return <RoleMention id={node.id} guildId={guildId} />;
    case 'channelMention':
      return <ChannelMention id={node.id} />;
    case 'everyone':
      return <span className="mention">{node.text}</span>;
    case 'customEmoji':
      return <CustomEmoji id={node.id} name={node.name} animated={node.animated} />;
    default: {
      const never: never = node;
      return <Fragment>{String(never)}</Fragment>;
    }
  }
}

function Spoiler({ children }: { children: ReactNode }) {
  const [revealed, setRevealed] = useState(false);
  return (
    <span className={`md-spoiler ${revealed ? 'revealed' : ''}`} onClick={() => setRevealed(true)} role="button" aria-label="Spoiler" data-testid="spoiler">
      <span>{children}</span>
    </span>
  );
}

function UserMention({ id, guildId }: { id: string; guildId: string | undefined }) {
  const user = useMemberStore((s) => s.users[id]);
  const member = useMemberStore((s) => (guildId ? s.members[guildId]?.[id] : undefined));
  return <span className="mention" data-testid="user-mention">@{user ? displayName(user, member) : 'unknown-user'}</span>;
}

function RoleMention({ id, guildId }: { id: string; guildId: string | undefined }) {
  const role = useGuildStore((s) => (guildId ? s.guilds[guildId]?.roles.find((r) => r.id === id) : undefined));
  const color = role ? roleColor(role.color) : undefined;
  return (
    <span className="mention" style={color ? { color, background: `${color}26` } : undefined}>
      @{role?.name ?? 'deleted-role'}
    </span>
  );
}

function ChannelMention({ id }: { id: string }) {
  const channel = useGuildStore((s) => s.channels[id]);
  return (
    <span className="mention" onClick={() => channel && navigateToChannel(channel.guild_id ?? HOME, id)}>
      #{channel?.name ?? 'unknown'}
    </span>
  );
}
