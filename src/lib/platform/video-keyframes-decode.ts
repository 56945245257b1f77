/**
 * WebCodecs decoding of several independent keyframes (from `mp4Keyframes`) with one decoder.
 */
import { ImageDecodeError, type RgbaImage, type VideoKeyframe } from '../dam/media/image-codec';
import { mp4Keyframes, type Mp4KeyframeSample, type Mp4Keyframes } from './mp4-keyframes';

/** How long the decoder may take for all the keyframes before we give up. */
const DECODE_TIMEOUT_MS = 30_000;

/** Whether this worker has WebCodecs video decoding. */
function hasVideoDecoder(): boolean {
  return typeof VideoDecoder !== 'undefined' && typeof EncodedVideoChunk !== 'undefined';
}

/** The decoder configuration for the track, as the browser completed it; null when it has no decoder for it. */
async function supportedVideoConfig(track: Omit<Mp4Keyframes, 'keyframes'>): Promise<VideoDecoderConfig | null> {
  const config: VideoDecoderConfig = {
    codec: track.codec,
    codedWidth: track.codedWidth,
    codedHeight: track.codedHeight,
    ...(track.description ? { description: track.description } : {}),
    optimizeForLatency: true,
  };
  try {
    const support = await VideoDecoder.isConfigSupported(config);
    return support.supported ? (support.config ?? config) : null;
  } catch {
    return null; // A malformed codec string is a TypeError here: treat it as unsupported.
  }
}

/**
 * Decodes every keyframe (each decodable on its own, so one configure and one flush serve them
 * all) and hands each frame to `convert` as it comes out, closing it right after: a decoder
 * stalls when the frames it lent are not given back. Results are in presentation order.
 */
async function decodeKeyframes<T>(
  config: VideoDecoderConfig,
  keyframes: readonly Mp4KeyframeSample[],
  convert: (frame: VideoFrame) => T,
): Promise<{ timestamp: number; value: T }[]> {
  const out: { timestamp: number; value: T }[] = [];
  let failure: unknown;
  const decoder = new VideoDecoder({
    output: (frame) => {
      try {
        if (failure === undefined) out.push({ timestamp: frame.timestamp, value: convert(frame) });
      } catch (error) {
        failure ??= error;
      } finally {
        frame.close();
      }
    },
    error: (error) => {
      failure ??= error;
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    decoder.configure(config);
    for (const { data, timestamp, duration } of keyframes)
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp, duration, data }));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('The video decoder timed out')), DECODE_TIMEOUT_MS);
    });
    await Promise.race([decoder.flush(), timeout]);
  } catch (error) {
    // The error callback's reason says more than the rejected flush that follows it.
    failure ??= error;
  } finally {
    clearTimeout(timer);
    if (decoder.state !== 'closed') decoder.close();
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(`The video decoder failed: ${String(failure)}`);
  if (out.length === 0) throw new Error('The video decoder produced no frame');
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Up to `count` keyframes spread over an MP4 / MOV's first video track, each turned into a
 * picture by `toImage` while the decoder still holds it. Empty when WebCodecs is missing, the
 * file is not MP4 / MOV (WebM included) or has no video track, or the browser has no decoder for
 * its codec; ImageDecodeError when the container or a frame is broken.
 */
export async function decodeVideoKeyframes(
  bytes: Blob,
  count: number,
  toImage: (frame: VideoFrame) => RgbaImage,
): Promise<VideoKeyframe[]> {
  if (!(count >= 1) || !hasVideoDecoder()) return [];
  let found: Mp4Keyframes | null;
  try {
    found = await mp4Keyframes(bytes, count);
  } catch (error) {
    throw new ImageDecodeError('The video could not be read (it may be truncated or corrupt)', { cause: error });
  }
  if (!found?.keyframes.length) return [];
  const config = await supportedVideoConfig(found);
  if (!config) return [];
  try {
    const frames = await decodeKeyframes(config, found.keyframes, toImage);
    return frames.map(({ timestamp, value }) => ({ timeSeconds: timestamp / 1e6, image: value }));
  } catch (error) {
    throw new ImageDecodeError('The video frames could not be decoded (they may be truncated or corrupt)', { cause: error });
  }
}
