// One game's link to the RPC server, whatever carries it (IPC socket or local WebSocket): READY
// after the handshake (or, when nobody is signed in yet, once someone is), then commands. SET_ACTIVITY is the one command served (presence needs no
// AUTHORIZE); every other command gets Discord's error shape. The game's activities are one source
// per pid in the activity hub, removed when the link ends.
import type { ActivityInput } from '@concord/protocol';
import type { ActivitySessionUser } from '../../shared/activityBridge.ts';
import { CommandSchema, describeIssue, RpcErrorCode, SetActivityArgsSchema, toGatewayActivity, type RpcCommand } from './rpcProtocol.ts';

/** What a transport gives a session: one message out, or the end of the link with a code. */
export interface RpcPeer {
  send(message: object): void;
  close(code: number, message: string): void;
}

/** Where a game's activities go (the ActivityHub); an empty list clears the source. */
export interface ActivitySink {
  setSource(sourceId: string, activities: readonly ActivityInput[]): void;
}

/** The signed-in user as READY describes it to games (the bridge's type: the renderer sends it). */
export type RpcUser = ActivitySessionUser;

export interface RpcConfig {
  cdn_host: string;
  api_endpoint: string;
  environment: string;
}

export interface RpcSessionDeps {
  sink: ActivitySink;
  /** READY's `config`, read when READY is sent (the server may be learnt after the handshake). */
  config(): RpcConfig;
  /** The application's name on the server, or null when the client id is none of its applications. */
  applicationName(clientId: string): Promise<string | null>;
  now(): number;
}

export class RpcSession {
  private readonly sourceIds = new Set<string>();
  /** Started with READY (the server is known by then) so the first SET_ACTIVITY rarely waits for it. */
  private name: Promise<string | null> = Promise.resolve(null);
  private closed = false;
  private isReady = false;
  private markReady: () => void = () => undefined;
  /**
   * Commands run one after another, so answers keep the order of the requests; the first waits for
   * READY (a game that sends before READY is answered after it, not refused).
   */
  private queue: Promise<void> = new Promise((resolve) => (this.markReady = resolve));

  constructor(
    private readonly connectionId: string,
    private readonly clientId: string,
    private readonly peer: RpcPeer,
    private readonly deps: RpcSessionDeps,
  ) {}

  /** Whether READY went out (false while the link waits for someone to sign in). */
  get ready(): boolean {
    return this.isReady;
  }

  /** Sends READY naming `user`; then the queued commands run. Once per link. */
  sendReady(user: RpcUser): void {
    if (this.isReady || this.closed) return;
    this.isReady = true;
    this.name = this.deps.applicationName(this.clientId).catch(() => null);
    this.peer.send({ cmd: 'DISPATCH', evt: 'READY', nonce: null, data: { v: 1, config: this.deps.config(), user } });
    this.markReady();
  }

  /** Ends the link from this side (the transport then releases it). */
  close(code: number, message: string): void {
    this.peer.close(code, message);
  }

  /** A decoded JSON message from the game, run after the ones before it. A bad command is answered with an error. */
  command(message: unknown): Promise<void> {
    const run = this.queue.then(() => this.run(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(message: unknown): Promise<void> {
    const parsed = CommandSchema.safeParse(message);
    if (!parsed.success) {
      this.peer.send(errorReply(null, null, RpcErrorCode.InvalidPayload, describeIssue(parsed.error.issues[0])));
      return;
    }
    const command = parsed.data;
    if (command.cmd !== 'SET_ACTIVITY') {
      this.peer.send(errorReply(command.cmd, command.nonce ?? null, RpcErrorCode.InvalidCommand, `Invalid command: ${command.cmd}`));
      return;
    }
    await this.setActivity(command);
  }

  /** The link ended: the game's activities go with it. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of this.sourceIds) this.deps.sink.setSource(id, []);
    this.sourceIds.clear();
  }

  private async setActivity(command: RpcCommand): Promise<void> {
    const nonce = command.nonce ?? null;
    const args = SetActivityArgsSchema.safeParse(command.args ?? {});
    if (!args.success) {
      const issue = args.error.issues[0];
      this.peer.send(errorReply('SET_ACTIVITY', nonce, RpcErrorCode.InvalidPayload, describeIssue(issue)));
      return;
    }
    const sourceId = `rpc:${this.connectionId}:${args.data.pid ?? 0}`;
    const input = args.data.activity;
    if (input == null) {
      if (!this.closed) this.deps.sink.setSource(sourceId, []);
      this.sourceIds.delete(sourceId);
      this.peer.send({ cmd: 'SET_ACTIVITY', evt: null, nonce, data: null });
      return;
    }
    const activity = toGatewayActivity(input, this.clientId, await this.name, this.deps.now());
    if (activity === null) {
      this.peer.send(errorReply('SET_ACTIVITY', nonce, RpcErrorCode.InvalidPayload, 'child "activity" fails because [the activity is not valid]'));
      return;
    }
    // The link may have ended while the name was looked up: nothing may outlive it.
    if (this.closed) return;
    this.sourceIds.add(sourceId);
    this.deps.sink.setSource(sourceId, [activity]);
    this.peer.send({ cmd: 'SET_ACTIVITY', evt: null, nonce, data: replyActivity(activity) });
  }
}

function errorReply(cmd: string | null, nonce: string | null, code: number, message: string): object {
  return { cmd, evt: 'ERROR', nonce, data: { code, message } };
}

/** What Discord answers SET_ACTIVITY with: the activity as others will see it (button labels, URLs in metadata). */
function replyActivity(a: ActivityInput): object {
  const { buttons, ...rest } = a;
  return buttons === undefined ? rest : { ...rest, buttons: buttons.map((b) => b.label), metadata: { button_urls: buttons.map((b) => b.url) } };
}
