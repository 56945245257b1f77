/**
 * Stands in for `@wasm-audio-decoders/opus-ml`, which `ogg-opus-decoder` imports only when asked
 * for its speech enhancement (never, here): without this the build would ship and precache a
 * 4 MB chunk no one loads.
 */
function unused(): never {
  throw new Error('The Opus speech-enhancement decoder is not part of this build');
}
export class OpusMLDecoder {
  constructor() {
    unused();
  }
}
export class OpusMLDecoderWebWorker extends OpusMLDecoder {}
