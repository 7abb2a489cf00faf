// Chromium's send-side estimate starts at 300 kbit/s and climbs from there only as media flows, so a
// camera or screen turned on mid-call sends just its lowest simulcast layer for its first seconds.
// Chromium reads a start value from the answer's fmtp (x-google-start-bitrate, kbit/s; its own hint,
// other browsers ignore it). werift answers with the offer's fmtp as is, so it is added to the text:
// on every VP8/H.264 payload type of a video m-line (a new fmtp line where there is none).

export const START_BITRATE_KBPS = 1_000;

export function withStartBitrate(sdp: string, kbps = START_BITRATE_KBPS): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  let video = false;
  /** Payload types of the current video m-line's VP8/H.264, and those already given an fmtp. */
  let types = new Set<string>();
  let withFmtp = new Set<string>();
  const flush = () => {
    if (!video) return;
    for (const pt of types) if (!withFmtp.has(pt)) out.push(`a=fmtp:${pt} x-google-start-bitrate=${String(kbps)}`);
  };
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=')) {
      flush();
      video = line.startsWith('m=video');
      types = new Set();
      withFmtp = new Set();
    }
    const rtpmap = /^a=rtpmap:(\d+) (VP8|H264)\//i.exec(line);
    if (video && rtpmap) types.add(rtpmap[1]!);
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (video && fmtp && types.has(fmtp[1]!)) {
      withFmtp.add(fmtp[1]!);
      out.push(fmtp[2]!.includes('x-google-start-bitrate') ? line : `${line};x-google-start-bitrate=${String(kbps)}`);
      continue;
    }
    out.push(line);
  }
  // The last m-line: before a trailing empty line, if any.
  const tail = out.length > 0 && out.at(-1) === '' ? out.pop() : undefined;
  flush();
  if (tail !== undefined) out.push(tail);
  return out.join(eol);
}
