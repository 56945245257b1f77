import { describe, expect, it } from 'vitest';
import { extractPdf, renderPdfFirstPage } from '../../../../src/lib/dam/media/pdf-extractor';
import { fixtureBytes } from './fixtures';

describe('extractPdf', () => {
  it('reads the page count, title and text of a two-page PDF', async () => {
    const bytes = await fixtureBytes('doc.pdf');
    const pdf = await extractPdf(bytes);
    expect(pdf.pageCount).toBe(2);
    expect(pdf.title).toBe('Fixture Document');
    expect(pdf.text).toContain('Hello DAM fixture');
    expect(pdf.text).toContain('Second page');
    expect(pdf.text.indexOf('Hello DAM fixture')).toBeLessThan(pdf.text.indexOf('Second page'));
    // The caller's bytes are not handed over (detached) to pdf.js.
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(bytes[0]).toBe(0x25); // '%'
  });

  it('reads from a Blob too, and stops at maxTextChars', async () => {
    const pdf = await extractPdf(new Blob([await fixtureBytes('doc.pdf')]), { maxTextChars: 5 });
    expect(pdf.pageCount).toBe(2);
    expect(pdf.text).toBe('Hello');
  });

  it('throws a clear error for bytes that are not a PDF', async () => {
    await expect(extractPdf(await fixtureBytes('tone.wav'))).rejects.toThrow(/^Not a readable PDF: /);
    const truncated = (await fixtureBytes('doc.pdf')).subarray(0, 40);
    await expect(extractPdf(truncated)).rejects.toThrow(/^Not a readable PDF: /);
  });

  it('renders no first page in Node (no OffscreenCanvas)', async () => {
    expect(typeof OffscreenCanvas).toBe('undefined');
    expect(await renderPdfFirstPage(await fixtureBytes('doc.pdf'), 256)).toBeNull();
  });
});
