// REQUEST_GUILD_MEMBERS (op 8): members of the guilds asked for, by ids or a username prefix,
// answered as GUILD_MEMBERS_CHUNK events of at most 1,000 members. A whole member list is the
// expensive request: one per guild per session per interval, otherwise RATE_LIMITED as Discord does.
import { GatewayCloseCode, GatewayIntents, GatewayOpcode, RequestGuildMembersData, type GuildMembersChunkDispatchData } from '@concord/protocol';
import type { DomainContext } from '../domain/DomainContext.ts';
import { memberToAPI } from '../domain/serialize.ts';
import type { MemberRecord } from '../store/records.ts';
import type { FanOut } from './FanOut.ts';
import type { GatewaySession } from './GatewaySession.ts';
import type { GatewaySocket } from './GatewaySocket.ts';
import type { SocketWriter } from './SocketWriter.ts';

/** A full member list (query "", no user_ids) of one guild per session, at most once in this window. */
const FULL_MEMBER_LIST_INTERVAL_MS = 30_000;
const MEMBERS_PER_CHUNK = 1000;

export class GuildMemberRequestHandler {
  /** Last full member list request per session and guild (`<session>:<guild>`). */
  private readonly fullMemberListAt = new Map<string, number>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly writer: SocketWriter,
    private readonly fanOut: FanOut,
  ) {}

  requestGuildMembers(ws: GatewaySocket, s: GatewaySession, raw: unknown): void {
    const parsed = RequestGuildMembersData.safeParse(raw);
    if (!parsed.success) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Invalid request guild members payload.');
      return;
    }
    const req = parsed.data;
    const intents = s.intents;
    if (intents !== null && req.presences && (intents & GatewayIntents.GUILD_PRESENCES) === 0) {
      this.writer.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    // One guild id or up to 100 (the schema's cap), each answered once however often it is repeated.
    const guildIds = [...new Set(Array.isArray(req.guild_id) ? req.guild_id : [req.guild_id])];
    const userIds = req.user_ids === undefined ? null : [...new Set(Array.isArray(req.user_ids) ? req.user_ids : [req.user_ids])];
    if (userIds === null && (req.query ?? '') === '' && intents !== null && (intents & GatewayIntents.GUILD_MEMBERS) === 0) {
      this.writer.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const fullList = userIds === null && (req.query ?? '') === '' && !(req.limit !== undefined && req.limit > 0);
    const now = Date.now();
    for (const guildId of guildIds) {
      const g = this.ctx.state.guilds.get(guildId);
      if (!g || !g.members.has(s.user.id)) continue;
      if (fullList) {
        const key = `${s.id}:${guildId}`;
        const last = this.fullMemberListAt.get(key);
        if (last !== undefined && now - last < FULL_MEMBER_LIST_INTERVAL_MS) {
          const meta: Record<string, unknown> = { guild_id: guildId };
          if (req.nonce !== undefined) meta['nonce'] = req.nonce;
          this.fanOut.sendDirect(s, 'RATE_LIMITED', { opcode: GatewayOpcode.RequestGuildMembers, retry_after: (last + FULL_MEMBER_LIST_INTERVAL_MS - now) / 1000, meta });
          continue;
        }
        this.fullMemberListAt.set(key, now);
      }
      const found: MemberRecord[] = [];
      const notFound: string[] = [];
      if (userIds) {
        for (const id of userIds.slice(0, 100)) {
          const m = g.members.get(id);
          if (m) found.push(m);
          else notFound.push(id);
        }
      } else {
        const q = (req.query ?? '').toLowerCase();
        const limit = req.limit && req.limit > 0 ? req.limit : q === '' ? Number.MAX_SAFE_INTEGER : 100;
        for (const m of g.members.values()) {
          if (found.length >= limit) break;
          const u = this.ctx.state.users.get(m.user_id);
          if (q === '' || u?.username.toLowerCase().startsWith(q) || m.nick?.toLowerCase().startsWith(q) || u?.global_name?.toLowerCase().startsWith(q)) found.push(m);
        }
      }
      const chunkCount = Math.max(1, Math.ceil(found.length / MEMBERS_PER_CHUNK));
      for (let i = 0; i < chunkCount; i++) {
        const members = found.slice(i * MEMBERS_PER_CHUNK, (i + 1) * MEMBERS_PER_CHUNK);
        const chunk: GuildMembersChunkDispatchData = {
          guild_id: guildId,
          members: members.map((m) => memberToAPI(m, this.ctx.state.users.get(m.user_id))),
          chunk_index: i,
          chunk_count: chunkCount,
        };
        if (i === 0 && notFound.length > 0) chunk.not_found = notFound;
        if (req.presences) chunk.presences = members.map((m) => this.ctx.presence.get(m.user_id)).filter((p) => p !== null);
        if (req.nonce !== undefined) chunk.nonce = req.nonce;
        this.fanOut.sendDirect(s, 'GUILD_MEMBERS_CHUNK', chunk);
      }
    }
  }

  /** Forgets full-list requests older than the interval. */
  sweep(nowMs: number): void {
    for (const [key, at] of this.fullMemberListAt) if (nowMs - at >= FULL_MEMBER_LIST_INTERVAL_MS) this.fullMemberListAt.delete(key);
  }
}
