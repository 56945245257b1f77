/**
 * The direction several unit vectors share: their mean, normalised (a zero mean stays zero).
 * Each vector counts alike, so a clip's quiet window or a video's dark keyframe weighs as much
 * as the others. One vector is returned as it is.
 */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 1) return vectors[0]!;
  const mean = new Float32Array(vectors[0]!.length);
  for (const vector of vectors) for (let i = 0; i < mean.length; i++) mean[i]! += vector[i]!;
  let norm = 0;
  for (const value of mean) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < mean.length; i++) mean[i]! /= norm;
  return mean;
}
