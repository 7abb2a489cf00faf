// An ordinary discord.js v14 voice bot with @discordjs/voice, as anyone would write it for Discord.
// The only Concord-specific settings are the REST base URL and trusting the voice gateway's
// certificate (NODE_EXTRA_CA_CERTS, set by whoever starts it). ROLE=speaker plays a WAV file;
// ROLE=listener records what SPEAKER_ID says and reports its 20 ms energy envelope. It reports what
// it sees as JSON lines on stdout; @discordjs/voice's debug log goes to stderr.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import {
  AudioPlayerStatus,
  EndBehaviorType,
  StreamType,
  VoiceConnectionStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
} from '@discordjs/voice';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import OpusScript from 'opusscript';

const { ROLE, GUILD_ID, CHANNEL_ID, SPEAKER_ID, WAV_FILE } = process.env;
const report = (event, data = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const debug = (line) => process.stderr.write(`[${ROLE}] ${line}\n`);

const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: process.env.DISCORD_API } });

client.once(Events.ClientReady, async () => {
  const guild = client.guilds.cache.get(GUILD_ID) ?? (await client.guilds.fetch(GUILD_ID));
  const connection = joinVoiceChannel({ channelId: CHANNEL_ID, guildId: GUILD_ID, adapterCreator: guild.voiceAdapterCreator, selfDeaf: false, selfMute: false, debug: true });
  connection.on('debug', debug);
  connection.on('error', (e) => debug(`error: ${e.stack ?? e}`));
  connection.on('stateChange', (from, to) => debug(`connection ${from.status} -> ${to.status}`));
  await entersState(connection, VoiceConnectionStatus.Ready, 20_000);
  report('voice-ready');
  if (ROLE === 'speaker') speak(connection);
  else listen(connection);
});

/** Plays the WAV (16-bit mono or stereo, 48 kHz) as raw stereo PCM: @discordjs/voice encodes it to Opus. */
function speak(connection) {
  const pcm = stereoPcm(fs.readFileSync(WAV_FILE));
  const player = createAudioPlayer();
  player.on('error', (e) => debug(`player error: ${e.stack ?? e}`));
  player.on('stateChange', (from, to) => {
    debug(`player ${from.status} -> ${to.status}`);
    if (to.status === AudioPlayerStatus.Playing && from.status !== AudioPlayerStatus.Playing) report('playing');
    if (to.status === AudioPlayerStatus.Idle && from.status !== AudioPlayerStatus.Idle) report('played', { frames: Math.ceil(pcm.length / 3840) });
  });
  connection.subscribe(player);
  player.play(createAudioResource(Readable.from([pcm]), { inputType: StreamType.Raw }));
}

/** Decodes what the speaker sends (opusscript) and reports the dBFS of every 20 ms frame once it goes quiet. */
function listen(connection) {
  const opus = connection.receiver.subscribe(SPEAKER_ID, { end: { behavior: EndBehaviorType.AfterSilence, duration: 1500 } });
  const decoder = new OpusScript(48_000, 2, OpusScript.Application.AUDIO);
  const envelope = [];
  let packets = 0;
  opus.on('data', (packet) => {
    packets++;
    if (packets === 1) report('first-packet');
    try {
      const pcm = Buffer.from(decoder.decode(packet));
      for (let at = 0; at + 3840 <= pcm.length; at += 3840) envelope.push(rmsDbfs(pcm.subarray(at, at + 3840)));
    } catch (e) {
      debug(`decode error: ${e.stack ?? e}`);
    }
  });
  opus.once('end', () => report('envelope', { packets, envelope }));
  report('listening');
}

function rmsDbfs(pcm) {
  let sum = 0;
  const n = pcm.length / 2;
  for (let i = 0; i < pcm.length; i += 2) {
    const s = pcm.readInt16LE(i);
    sum += s * s;
  }
  const rms = Math.sqrt(sum / n) / 32768;
  return rms <= 0 ? -100 : Math.max(-100, 20 * Math.log10(rms));
}

/** The data chunk of a 16-bit PCM WAV, upmixed to interleaved stereo when mono. */
function stereoPcm(wav) {
  let offset = 12;
  let channels = 1;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') channels = wav.readUInt16LE(offset + 10);
    if (id === 'data') {
      const data = wav.subarray(offset + 8, offset + 8 + size);
      if (channels === 2) return Buffer.from(data);
      const out = Buffer.alloc(data.length * 2);
      for (let i = 0; i < data.length; i += 2) {
        const s = data.readInt16LE(i);
        out.writeInt16LE(s, i * 2);
        out.writeInt16LE(s, i * 2 + 2);
      }
      return out;
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in the WAV file');
}

process.on('SIGTERM', () => {
  void client.destroy().finally(() => process.exit(0));
});
await client.login(process.env.DISCORD_TOKEN);
