import type { RgbaImage } from '../../../src/lib/dam/media/image-codec';
import { BrowserImageCodec } from '../../../src/lib/platform/browser-image-codec';

/**
 * Runs in a dedicated worker: `BrowserImageCodec.videoKeyframes` (mp4box + WebCodecs) on the
 * clips it is sent, and what the tests check about the frames it gives back.
 */
export interface VideoKeyframesRequest {
  readonly clips: Record<string, Uint8Array>;
  readonly maxSide: number;
  readonly count: number;
}

export interface DecodedClip {
  readonly times: number[];
  readonly sizes: { width: number; height: number; bytes: number }[];
  /** Mean absolute difference per channel value between frames i and j, 0–255. */
  readonly differences: number[][];
  /** The same between each frame and the same frame of the first clip sent. */
  readonly differencesFromFirstClip: number[];
  /** The same between the first frame and `videoPosterFrame` at the same size. */
  readonly differenceFromPoster: number | null;
  /** Milliseconds for the whole call, after a first warming one: the fastest of five. */
  readonly milliseconds: number;
}

export interface VideoKeyframesProbe {
  readonly webCodecs: boolean;
  readonly clips: Record<string, DecodedClip | { error: string }>;
}

function difference(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / ((a.data.length / 4) * 3);
}

async function probe(request: VideoKeyframesRequest): Promise<VideoKeyframesProbe> {
  const codec = new BrowserImageCodec();
  const clips: VideoKeyframesProbe['clips'] = {};
  let firstFrames: RgbaImage[] | undefined;
  for (const [name, bytes] of Object.entries(request.clips)) {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'video/mp4' });
    try {
      const frames = await codec.videoKeyframes(blob, request.maxSide, request.count);
      let milliseconds = Infinity;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        await codec.videoKeyframes(blob, request.maxSide, request.count);
        milliseconds = Math.min(milliseconds, performance.now() - started);
      }
      const images = frames.map((f) => f.image);
      firstFrames ??= images;
      const poster = frames.length ? await codec.videoPosterFrame(blob, request.maxSide) : null;
      clips[name] = {
        times: frames.map((f) => f.timeSeconds),
        sizes: images.map((image) => ({ width: image.width, height: image.height, bytes: image.data.length })),
        differences: images.map((a) => images.map((b) => difference(a, b))),
        differencesFromFirstClip: images.map((image, i) => (firstFrames![i] ? difference(image, firstFrames![i]) : 255)),
        differenceFromPoster: poster && images[0] ? difference(images[0], poster) : null,
        milliseconds,
      };
    } catch (error) {
      clips[name] = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
  return { webCodecs: typeof VideoDecoder !== 'undefined', clips };
}

self.onmessage = (event: MessageEvent<VideoKeyframesRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) =>
      self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
};
