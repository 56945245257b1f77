/** Saves a blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has started reading by now; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves bytes as a file through a temporary link. */
export function downloadBytes(bytes: Uint8Array, fileName: string, type = 'application/zip'): void {
  downloadBlob(new Blob([bytes as BlobPart], { type }), fileName);
}
