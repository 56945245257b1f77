import type * as PdfJs from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';

export interface PdfExtraction {
  readonly pageCount: number;
  /** The document information `Title`, else XMP `dc:title`. */
  readonly title: string | null;
  /** The pages' text in reading order as pdf.js gives it, pages separated by a blank line. */
  readonly text: string;
}

export interface PdfExtractOptions {
  /** Stop collecting text after this many characters (default 200 000). */
  readonly maxTextChars?: number;
}

export interface RenderedPage {
  readonly width: number;
  readonly height: number;
  /** Straight RGBA, 4 bytes a pixel, row-major. */
  readonly data: Uint8ClampedArray;
}

const DEFAULT_MAX_TEXT_CHARS = 200_000;
/** pdf.js `VerbosityLevel.ERRORS`: no warnings about missing fonts or polyfills on the console. */
const VERBOSITY_ERRORS = 0;

let pdfjsLoading: Promise<typeof PdfJs> | null = null;

/**
 * pdf.js, loaded once and run in this thread.
 *
 * - The legacy build in Node and in the browser alike: the modern build does not load in Node 20
 *   (`DOMMatrix is not defined`; it also relies on `Promise.withResolvers` and `URL.parse`), and
 *   one build means the code Node's tests run is the code the worker runs (and the PWA precaches
 *   one copy, not two).
 * - Importing the worker module first sets `globalThis.pdfjsWorker`; pdf.js then sets up its
 *   "fake worker" (the parser in this thread, over a loopback port) from it instead of starting a
 *   Worker from `GlobalWorkerOptions.workerSrc`. Nothing is fetched: no worker URL (which would
 *   need `window.location`, absent in a worker), no fonts, no CMaps, no WASM. Vite bundles both
 *   modules as lazy chunks of the worker (checked in Chromium, built and in `vite dev`).
 * - Side effect in a browser worker: the worker module believes it is pdf.js's own worker and
 *   wires itself to `self`: it posts one `{ sourceName: 'worker', action: 'ready' }` message to
 *   the page and listens for messages addressed `targetName: 'worker'`. Comlink ignores the
 *   former (no `id`), the latter ignores Comlink's; nothing else listens.
 */
function loadPdfJs(): Promise<typeof PdfJs> {
  pdfjsLoading ??= (async () => {
    // @ts-expect-error -- pdfjs-dist ships no types for its worker module; only its side effect is used.
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return (await import('pdfjs-dist/legacy/build/pdf.mjs')) as typeof PdfJs;
  })().catch((error: unknown) => {
    pdfjsLoading = null;
    throw error;
  });
  return pdfjsLoading;
}

async function openDocument(bytes: Uint8Array | Blob, forRendering: boolean): Promise<PDFDocumentProxy> {
  const pdfjs = await loadPdfJs();
  // pdf.js transfers (detaches) the buffer it is given, even to its in-thread worker: give it a copy.
  const data = bytes instanceof Uint8Array ? bytes.slice() : new Uint8Array(await bytes.arrayBuffer());
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    verbosity: VERBOSITY_ERRORS,
    // The default factories create <canvas> and <svg> elements through `document`.
    ...(forRendering ? { CanvasFactory: OffscreenCanvasFactory, FilterFactory: NoFilterFactory } : {}),
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw new Error(`Not a readable PDF: ${pdfErrorMessage(error)}`, { cause: error });
  }
}

/**
 * Page count, title and text of a PDF. Works in Node and in a module worker (no DOM, no network).
 * Throws `Error('Not a readable PDF: …')` for bytes that are not a PDF, a damaged one, or one
 * that needs a password.
 */
export async function extractPdf(bytes: Uint8Array | Blob, options: PdfExtractOptions = {}): Promise<PdfExtraction> {
  const maxTextChars = Math.max(0, options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS);
  const doc = await openDocument(bytes, false);
  try {
    const title = await titleOf(doc);
    const pages: string[] = [];
    let length = 0;
    for (let number = 1; number <= doc.numPages && length < maxTextChars; number++) {
      const page = await doc.getPage(number);
      try {
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          text += item.str;
          if (item.hasEOL) text += '\n';
        }
        text = text.trim();
        pages.push(text);
        length += text.length + 2;
      } finally {
        page.cleanup();
      }
    }
    const text = pages.join('\n\n').trim().slice(0, maxTextChars);
    return { pageCount: doc.numPages, title, text };
  } catch (error) {
    throw new Error(`Not a readable PDF: ${pdfErrorMessage(error)}`, { cause: error });
  } finally {
    await doc.destroy();
  }
}

/**
 * The first page rendered to fit `maxSide` (white background), where the host has
 * `OffscreenCanvas` (browsers and their workers); null elsewhere (Node). Throws like
 * `extractPdf` for an unreadable PDF.
 */
export async function renderPdfFirstPage(bytes: Uint8Array | Blob, maxSide: number): Promise<RenderedPage | null> {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const doc = await openDocument(bytes, true);
  try {
    const page = await doc.getPage(1);
    try {
      const unit = page.getViewport({ scale: 1 });
      const scale = maxSide / Math.max(unit.width, unit.height, 1);
      const viewport = page.getViewport({ scale });
      const width = Math.max(1, Math.round(viewport.width));
      const height = Math.max(1, Math.round(viewport.height));
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (context === null) return null;
      await page.render({
        // pdf.js draws on an OffscreenCanvas as it does on a <canvas>; its types name only the latter.
        canvas: canvas as unknown as HTMLCanvasElement,
        canvasContext: context as unknown as CanvasRenderingContext2D,
        viewport,
        background: 'rgb(255, 255, 255)',
      }).promise;
      const { data } = context.getImageData(0, 0, width, height);
      return { width, height, data };
    } finally {
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
}

async function titleOf(doc: PDFDocumentProxy): Promise<string | null> {
  const { info, metadata } = await doc.getMetadata();
  const fromInfo = cleanText((info as Record<string, unknown>)['Title']);
  if (fromInfo !== null) return fromInfo;
  const fromXmp: unknown = metadata?.get('dc:title');
  return cleanText(fromXmp);
}

function cleanText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const trimmed = value.replace(/^[\s\u0000]+|[\s\u0000]+$/g, '');
  return trimmed === '' ? null : trimmed;
}

function pdfErrorMessage(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    if (name === 'PasswordException') return 'the PDF is password-protected';
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(error);
}

interface CanvasAndContext {
  canvas: OffscreenCanvas | null;
  context: OffscreenCanvasRenderingContext2D | null;
}

/** pdf.js's scratch canvases (patterns, masks, groups) as OffscreenCanvases: there is no `document` in a worker. */
class OffscreenCanvasFactory {
  create(width: number, height: number): CanvasAndContext {
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    const canvas = new OffscreenCanvas(width, height);
    return { canvas, context: canvas.getContext('2d', { willReadFrequently: true }) };
  }

  reset(target: CanvasAndContext, width: number, height: number): void {
    if (!target.canvas) throw new Error('Canvas is not specified');
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    target.canvas.width = width;
    target.canvas.height = height;
  }

  destroy(target: CanvasAndContext): void {
    if (!target.canvas) throw new Error('Canvas is not specified');
    target.canvas.width = 0;
    target.canvas.height = 0;
    target.canvas = null;
    target.context = null;
  }
}

/** No SVG filters (transfer functions, high-contrast modes) without a `document`: pages render without them. */
class NoFilterFactory {
  addFilter(): string {
    return 'none';
  }
  addHCMFilter(): string {
    return 'none';
  }
  addAlphaFilter(): string {
    return 'none';
  }
  addLuminosityFilter(): string {
    return 'none';
  }
  addHighlightHCMFilter(): string {
    return 'none';
  }
  destroy(): void {}
}
