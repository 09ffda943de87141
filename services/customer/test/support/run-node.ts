import { fileURLToPath } from 'node:url';
import { runNode as runNodeIn } from '@commerce/shared/testing';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a TypeScript entry point of the customer service in a child process (see the kit's runNode). */
export const runNode = (script: string, args: string[], env: NodeJS.ProcessEnv) => runNodeIn(serviceDir, script, args, env);
