// The figures kept for one incoming audio stream (StreamDecoder.stats()): what the voice UI's
// connection panel shows and what an RTCP receiver report is built from.

export interface StreamStats {
  readonly packetsReceived: number;
  /** Sequence numbers never played (skipped as lost). */
  readonly packetsLost: number;
  /** packetsLost / (packetsLost + frames played from packets), in percent. */
  readonly lossPercent: number;
  readonly late: number;
  readonly duplicate: number;
  readonly decodeErrors: number;
  /** Frames made up by packet loss concealment. */
  readonly concealedFrames: number;
  /** Lost frames rebuilt from the next packet's in-band FEC. */
  readonly fecRecoveredFrames: number;
  /** Lost frames that had a next packet for FEC, but the decoder backend could not use it (concealed). */
  readonly fecConcealedFrames: number;
  readonly silentFrames: number;
  readonly jitterMs: number;
  readonly targetDelayMs: number;
  readonly bufferedFrames: number;
  /** Level of the last frame played, dBFS. */
  readonly levelDbfs: number;
}
