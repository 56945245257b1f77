/**
 * One interface over the WebAssembly decoders (mpg123-decoder, @wasm-audio-decoders/flac,
 * ogg-opus-decoder, @wasm-audio-decoders/ogg-vorbis), all fed a stream a piece at a time. Each
 * package is imported when first needed, so a host that never meets a codec never loads it.
 */

export interface DecodedPiece {
  readonly channelData: readonly Float32Array[];
  readonly samplesDecoded: number;
  readonly sampleRate: number;
  readonly errors: readonly { readonly message: string }[];
}

export interface StreamDecoder {
  /** Decodes the next bytes of the stream; the output may lag the input by a frame or a page. */
  decode(bytes: Uint8Array): Promise<DecodedPiece>;
  /** What is still held once the stream has ended. */
  flush(): Promise<DecodedPiece>;
  /** Frees the decoder's WebAssembly memory. */
  free(): void;
}

export type WasmAudioFormat = 'mp3' | 'flac' | 'opus' | 'vorbis';

const NOTHING: DecodedPiece = { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: [] };

/** A ready decoder for `format`. */
export async function openStreamDecoder(format: WasmAudioFormat): Promise<StreamDecoder> {
  switch (format) {
    case 'mp3': {
      const { MPEGDecoder } = await import('mpg123-decoder');
      // Gapless (the default) drops the encoder delay and padding the LAME tag names.
      const decoder = new MPEGDecoder();
      await decoder.ready;
      return {
        decode: async (bytes) => decoder.decode(bytes),
        // mpg123 hands out every whole frame as it goes; a partial last frame has nothing to give.
        flush: async () => NOTHING,
        free: () => decoder.free(),
      };
    }
    case 'flac': {
      const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
      const decoder = new FLACDecoder();
      await decoder.ready;
      return { decode: (bytes) => decoder.decode(bytes), flush: () => decoder.flush(), free: () => decoder.free() };
    }
    case 'opus': {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      const decoder = new OggOpusDecoder();
      await decoder.ready;
      // Its types call decode synchronous; it returns a promise (it waits for the Opus header).
      return { decode: async (bytes) => decoder.decode(bytes), flush: () => decoder.flush(), free: () => decoder.free() };
    }
    case 'vorbis': {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      const decoder = new OggVorbisDecoder();
      await decoder.ready;
      return { decode: (bytes) => decoder.decode(bytes), flush: () => decoder.flush(), free: () => decoder.free() };
    }
  }
}
