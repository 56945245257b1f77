import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @returns {string | null} Where a usable Chromium is: $CHROMIUM_PATH, then Debian's, then other common places. */
export function findChromium() {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/snap/bin/chromium',
  ];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

/** Flags that keep headless Chromium quiet on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @param {string} path */
export function chromiumVersion(path) {
  return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
}
