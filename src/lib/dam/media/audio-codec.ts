/** One stretch of a sound, mixed down to mono and resampled. */
export interface AudioWindow {
  /** Where it starts in the sound, in seconds. */
  readonly startSeconds: number;
  /** Mono samples (−1…1) at the rate asked for. */
  readonly samples: Float32Array;
}

/** What decoding found out about the sound it read. */
export interface DecodedAudioFacts {
  readonly durationSeconds: number;
  readonly sourceSampleRate: number;
  readonly channels: number;
  /** What decoded it, e.g. `wav`, `mp3`, `flac`, `opus`, `vorbis`, `aac`. */
  readonly codec: string;
}

/** Bytes that are not a sound this codec can decode (truncated, corrupt, unsupported). */
export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';
}

/**
 * Decoding sounds (and the audio track of videos), which each host does its own way: WebCodecs
 * `AudioDecoder` where the browser has one, WebAssembly decoders elsewhere. A global resource, so
 * systems ask for `Res(AudioCodec)`.
 */
export abstract class AudioCodec {
  /**
   * Decodes `bytes` to mono at `sampleRate` and hands it over in windows of at most
   * `windowSeconds`, in order, so a long file never sits whole in memory; `onWindow` is awaited
   * before the next window is made. Stops after `maxSeconds` when given. AudioDecodeError for
   * bytes it cannot decode.
   */
  abstract decodeWindows(
    bytes: Blob,
    sampleRate: number,
    windowSeconds: number,
    onWindow: (window: AudioWindow) => Promise<void> | void,
    options?: { readonly maxSeconds?: number },
  ): Promise<DecodedAudioFacts>;
}
