/** Sounds as the DamApi returns them: neighbours and a waveform to draw. */

export interface SimilarSound {
  readonly id: number;
  readonly name: string | null;
  /** Cosine similarity of the audio model's vectors. */
  readonly similarity: number;
  /** The audio model that found it. */
  readonly model: string;
}

export interface AudioWaveform {
  /** Loudest sample (0–1) of each equal stretch of the sound, in order. */
  readonly peaks: readonly number[];
  /** How long the drawn part is (the whole sound, up to the first ten minutes). */
  readonly durationSeconds: number;
}

export interface AudioApi {
  /** Sounds like this one (its file's audio, or a video's), best first; empty when it has none embedded. */
  findSimilarSounds(id: number, options?: { limit?: number }): Promise<SimilarSound[]>;
  /** Its sound's waveform in `buckets` peaks (default 200); null when it has no sound that can be decoded here. */
  audioWaveform(id: number, options?: { buckets?: number }): Promise<AudioWaveform | null>;
}
