import type { OrtWithTensor } from './image-tagger-loaders';
import type { OnnxModel } from './onnx-loader';
import type { TensorNetwork } from '../model-types';

export type { TensorNetwork };

/** Wraps a session that must have one input and one output (`what` names it in the error). */
export function tensorNetwork(ort: OrtWithTensor, model: OnnxModel, what: string): TensorNetwork {
  const [inputName] = model.inputNames;
  const [outputName] = model.outputNames;
  if (model.inputNames.length !== 1 || !inputName || !outputName) {
    throw new Error(`${what} should take one input; it takes [${model.inputNames.join(', ')}]`);
  }
  return {
    async run(input, dims, read) {
      const output = (await model.run({ [inputName]: new ort.Tensor('float32', input, dims) }))[outputName]!;
      try {
        return read(output.data as Float32Array, output.dims);
      } finally {
        output.dispose?.();
      }
    },
  };
}
