import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import type { ModelFiles } from '../ml/model-types';

/** The nsfwjs model the app bundles: MobileNetV2, 224×224, 2.6 MB of uint8-quantised weights. */
const MODEL_FOLDER = 'dist/models/mobilenet_v2';

/**
 * nsfwjs ships each model file as a UMD module (`model.min.js` exports the `model.json` object,
 * each `group1-shardNofM.min.js` a base64 string of the shard), so that bundlers can import it.
 * This evaluates them in an empty VM context, which has no `require`, `process` or globals of
 * ours, and returns the plain TF.js layers-model folder the converter wrote, with the licence.
 */
function unwrapUmd(path: string): unknown {
  const module = { exports: {} as unknown };
  runInNewContext(readFileSync(path, 'utf8'), { module, exports: module.exports }, { filename: path, timeout: 10_000 });
  return module.exports;
}

/** The package's folder: its `exports` hide `package.json`, so from its CommonJS entry, `dist/cjs/index.js`. */
export function nsfwjsPackageDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('nsfwjs')), '..', '..');
}

/** `model.json`, its shards and `LICENSE`, as the build serves them under `/models/nsfwjs-mobilenet-v2/`. */
export function nsfwjsModelFolder(packageDirectory: string = nsfwjsPackageDirectory()): Map<string, Uint8Array> {
  const folder = join(packageDirectory, MODEL_FOLDER);
  const model = unwrapUmd(join(folder, 'model.min.js')) as { modelTopology?: unknown; weightsManifest?: { paths: string[] }[] };
  if (!model.modelTopology || !Array.isArray(model.weightsManifest)) throw new Error(`${folder}/model.min.js is not a TF.js model`);
  const files = new Map<string, Uint8Array>();
  files.set('model.json', new TextEncoder().encode(JSON.stringify(model)));
  for (const path of model.weightsManifest.flatMap((group) => group.paths)) {
    const base64 = unwrapUmd(join(folder, `${path}.min.js`));
    if (typeof base64 !== 'string') throw new Error(`${folder}/${path}.min.js does not hold a weight shard`);
    files.set(path, new Uint8Array(Buffer.from(base64, 'base64')));
  }
  files.set('LICENSE', new Uint8Array(readFileSync(join(packageDirectory, 'LICENSE'))));
  return files;
}

/** The same folder as `ModelFiles`, for the Node platform. */
export function memoryFolderModelFiles(files: ReadonlyMap<string, Uint8Array>, base: string): ModelFiles {
  return {
    kind: 'bundled',
    base,
    async read(path) {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`${base} has no file ${path}`);
      return bytes;
    },
    async has(path) {
      return files.has(path);
    },
  };
}
