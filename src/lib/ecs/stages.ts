/** Stages run in this order; each commits once. */
export const STAGES = ['PreProcessing', 'AssetIngestion', 'MetadataExtraction', 'ContentAnalysis', 'PostProcessing'] as const;

export type Stage = (typeof STAGES)[number];

export const Stage: { readonly [K in Stage]: K } = Object.freeze({
  PreProcessing: 'PreProcessing',
  AssetIngestion: 'AssetIngestion',
  MetadataExtraction: 'MetadataExtraction',
  ContentAnalysis: 'ContentAnalysis',
  PostProcessing: 'PostProcessing',
});
