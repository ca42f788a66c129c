#!/usr/bin/env node
// The `intake` command as npm installs it (`npx intake …`): loads the TypeScript CLI through tsx,
// a dependency, so there is no build step and nothing to get out of date.
import { register } from 'tsx/esm/api';

register();
await import('./intake.ts');
