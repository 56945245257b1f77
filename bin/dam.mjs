#!/usr/bin/env node
// The `dam` command (`npx dam`, docs/cli.md). The CLI is TypeScript run through tsx, like the
// rest of the Node code; no tsconfig is needed (relative imports), so it runs from any directory.
import { register } from 'tsx/esm/api';

register({ tsconfig: false });
await import('../src/cli/main.ts');
