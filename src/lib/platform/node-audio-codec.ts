import type { DecodedAudioFacts } from '../dam/media/audio-codec';
import type { SniffedAudio } from '../dam/media/audio-sniff';
import type { AudioWindowSink } from '../dam/media/audio-window-sink';
import { unsupportedAudio, WasmAudioCodec } from '../dam/media/wasm-audio-codec';

/**
 * Sounds in Node: the WebAssembly decoders (WAV, MP3, FLAC, Ogg Opus, Ogg Vorbis). Node has no
 * WebCodecs and no AAC decoder, so M4A, MP4/MOV sound and raw AAC are an AudioDecodeError that says so.
 */
export class NodeAudioCodec extends WasmAudioCodec {
  protected override decodeOther(_bytes: Blob, sniffed: SniffedAudio, _sink: AudioWindowSink): Promise<DecodedAudioFacts> {
    const aac = sniffed.container === 'mp4' || sniffed.container === 'adts';
    const why = aac ? "Node has no AAC decoder (browsers decode it with WebCodecs' AudioDecoder)" : 'no decoder in Node reads it';
    return Promise.reject(unsupportedAudio(sniffed, why));
  }
}
