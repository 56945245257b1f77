import type { Attachment } from 'svelte/attachments';

/**
 * Focuses the element when it appears and `when` holds: a confirm step that replaces the button
 * that opened it must take the focus, or keyboard users are dropped at the top of the page.
 */
export function focusWhen(when: boolean): Attachment<HTMLElement> {
  return (node) => {
    if (when) node.focus();
  };
}
