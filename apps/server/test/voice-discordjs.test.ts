// The proof of voice for bots: two unmodified discord.js v14 bots with @discordjs/voice 0.19 (child
// processes trusting the server's generated certificate through NODE_EXTRA_CA_CERTS, no TLS checks
// switched off) join one voice channel through gateway op 4; one plays recorded speech, the other
// receives and decodes it, and its 20 ms energy envelope must follow the original's.
import { energyEnvelope, envelopeCorrelation, readWav } from '@concord/media';
import { PermissionFlags } from '@concord/protocol';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBot, createBotApplication, runBot, type BotProcess, type TestBot } from './bots/botHarness.ts';
import { registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const WAV_FILE = path.resolve(here, '../../../packages/testkit/fixtures/speech-48k-mono.wav');
const BOT_PERMISSIONS = PermissionFlags.VIEW_CHANNEL | PermissionFlags.CONNECT | PermissionFlags.SPEAK;

let t: TestServer;
let alice: TestUser;
let guildId: string;
let channelId: string;
let speaker: TestBot;
let listener: TestBot;
const procs: BotProcess[] = [];

/**
 * Starts voice-discordjs-bot.mjs through the bot harness, which passes the test process's
 * environment to the child: the bot's settings are set for the synchronous spawn and put back.
 */
function startVoiceBot(bot: TestBot, env: Record<string, string>): BotProcess {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const proc = runBot(t, '../../voice-discordjs-bot.mjs', bot.token);
    procs.push(proc);
    return proc;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  }
}

beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
  const guild = await alice.api.createGuild({ name: 'Voice Guild' });
  guildId = guild.id;
  channelId = (await alice.api.createChannel(guildId, { name: 'Lounge', type: 2 })).id;
  speaker = await createBotApplication(alice, 'Speaker');
  listener = await createBotApplication(alice, 'Listener');
  await authorizeBot(alice, speaker, guildId, BOT_PERMISSIONS);
  await authorizeBot(alice, listener, guildId, BOT_PERMISSIONS);
}, 30_000);
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await t.close();
});

describe('two discord.js bots in one voice channel', () => {
  it('one plays speech, the other receives and decodes it with a matching energy envelope', async () => {
    const caFile = t.voiceCaFile;
    expect(caFile).not.toBeNull();
    const common = { NODE_EXTRA_CA_CERTS: caFile!, GUILD_ID: guildId, CHANNEL_ID: channelId, SPEAKER_ID: speaker.userId, WAV_FILE };
    const heard = startVoiceBot(listener, { ...common, ROLE: 'listener' });
    await heard.waitFor('listening', undefined, 30_000);
    const spoke = startVoiceBot(speaker, { ...common, ROLE: 'speaker' });
    await spoke.waitFor('voice-ready', undefined, 30_000);
    const played = await spoke.waitFor('played', undefined, 30_000);
    const result = await heard.waitFor('envelope', undefined, 15_000);

    const received = result['envelope'] as number[];
    const reference = energyEnvelope(readWav(fs.readFileSync(WAV_FILE)).samples, 1);
    const match = envelopeCorrelation(reference, received, 100);
    const loudestDbfs = Math.max(...received);
    const stats = t.server.voice!.node.gatewayStats();
    console.log(`voice e2e: played ${String(played['frames'])} frames, received ${String(result['packets'])} packets (${String(received.length)} decoded frames), envelope r=${match.correlation.toFixed(3)} at lag ${String(match.lag)} frames, loudest ${loudestDbfs.toFixed(1)} dBFS; gateway ${JSON.stringify(stats)}`);
    expect(result['packets']).toBeGreaterThan(reference.length * 0.9);
    expect(loudestDbfs).toBeGreaterThan(-30);
    expect(match.correlation).toBeGreaterThanOrEqual(0.7);
  }, 90_000);
});
