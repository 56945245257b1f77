// A single-page app: prerender the shell, render everything else in the browser.
export const prerender = true;
export const ssr = false;
export const trailingSlash = 'never';
