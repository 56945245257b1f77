/**
 * The recogniser's character set from a PaddleOCR dictionary file (one character a line), as
 * `CTCLabelDecode` builds it: CTC's blank at index 0, the file's lines from index 1, and a
 * space last (`use_space_char`).
 */
export function parseCharacterDictionary(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // A final newline ends the last line; it does not add an empty character.
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines, ' '];
}

export interface DecodedLine {
  readonly text: string;
  /** Mean probability of the characters kept (0 when none were). */
  readonly confidence: number;
}

/**
 * Greedy CTC decoding of one sequence of `steps × classes` probabilities: the most likely class
 * at each step, repeats merged, blanks dropped.
 */
export function ctcGreedyDecode(
  probabilities: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  characters: readonly string[],
): DecodedLine {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probabilities[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probabilities[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? '';
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}
