import { describe, expect, it } from 'vitest';
import { matchSourceLabel, scoreLabel } from '../../../src/lib/ui/search/match-labels';

describe('matchSourceLabel', () => {
  it('names the field, and says when tags were embedded with it', () => {
    expect(matchSourceLabel('FilePropertiesComponent', 'original_filename')).toBe('file name');
    expect(matchSourceLabel('FilePropertiesComponent', 'original_filename_manualtags')).toBe('file name and tags');
    expect(matchSourceLabel('DocumentPropertiesComponent', 'text_with_tags')).toBe('document text and tags');
    expect(matchSourceLabel('TextContentComponent', 'text_model_wd-v1-4-moat-tagger-v2')).toBe('text content and tags');
    expect(matchSourceLabel('OcrTextComponent', 'text')).toBe('text in the picture');
    expect(matchSourceLabel('SomeNewComponent', 'text')).toBe('SomeNew text');
    expect(matchSourceLabel('FileContent', 'image')).toBe('the picture');
    expect(matchSourceLabel('FileContent', 'frame@75.50')).toBe('the video at 1:15');
  });

  it('reads a score as a whole percentage, never below zero', () => {
    expect(scoreLabel(0.456)).toBe('46%');
    expect(scoreLabel(-0.2)).toBe('0%');
  });
});
