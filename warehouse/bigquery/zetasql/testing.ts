import { zetaSqlAvailable } from './server.ts';

/**
 * ZetaSQL tests skip where the optional package is not installed (a developer who skipped
 * optional dependencies), but never in CI (`CI` set, as GitHub Actions does): there `npm ci`
 * installs it, and a missing package must fail the build rather than skip the proof.
 */
export const skipWithoutZetaSql = !zetaSqlAvailable() && !process.env.CI;
