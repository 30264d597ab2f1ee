import type { TestProject } from 'vitest/node';
import { buildCli } from './built-cli.js';

/** Once per test run (and again on each watch-mode rerun): the compiled CLI the child processes run. */
export default async function setup(project: TestProject): Promise<void> {
  await buildCli();
  project.onTestsRerun(buildCli);
}
