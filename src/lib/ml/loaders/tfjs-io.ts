import type { io } from '@tensorflow/tfjs-core';
import type { ModelFiles } from '../model-types';
import type { Tf } from './tfjs-backend';

/** The folder part of a path inside the model folder (`''` or `web_model/`). */
function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/** The bytes as an ArrayBuffer of their own (a view into a larger buffer is copied). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * A TF.js IOHandler that reads `model.json` and its weight shards through `ModelFiles`, so TF.js
 * never fetches by itself. Works for graph and layers models alike. The shards go to TF.js as a
 * list: it slices weights across shard boundaries itself, which spares a copy of the weights.
 */
export function modelFilesIOHandler(tf: Tf, files: ModelFiles, modelJsonPath = 'model.json'): io.IOHandler {
  const folder = folderOf(modelJsonPath);
  return {
    async load() {
      const modelJson = JSON.parse(new TextDecoder().decode(await files.read(modelJsonPath))) as io.ModelJSON;
      if (typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
        throw new Error(`${modelJsonPath} in ${files.base} is not a TF.js model (no modelTopology)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((path) => files.read(folder + path)));
        return [tf.io.getWeightSpecs(manifest), shards.map(ownBuffer)];
      });
    },
  };
}
