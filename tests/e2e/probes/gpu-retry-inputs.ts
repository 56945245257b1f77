/** Item i's input row: eight numbers that differ per item, so every output row is checkable. */
export function inputRow(i: number): number[] {
  return Array.from({ length: 8 }, (_, k) => ((i * 7 + k * 3) % 11) - 5 + k / 4);
}
