#!/usr/bin/env node
// Finds Chromium for the browser tests, or installs Debian's package when it is missing.
import { execSync } from 'node:child_process';
import { chromiumVersion, findChromium } from './chromium.mjs';

let path = findChromium();
if (!path) {
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? '' : 'sudo ';
  console.log("Chromium not found; installing Debian's chromium package…");
  try {
    execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
      stdio: 'inherit',
    });
  } catch {
    console.error('Could not install Chromium. Install it yourself (apt-get install chromium) or set CHROMIUM_PATH.');
    process.exit(1);
  }
  path = findChromium();
}
if (!path) {
  console.error('Chromium is still missing after the install. Set CHROMIUM_PATH to a Chromium binary.');
  process.exit(1);
}
console.log(`Using ${chromiumVersion(path)} at ${path}`);
