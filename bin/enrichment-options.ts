import type { Command } from 'commander';
import { DEFAULT_GEMINI_MODEL, type EnrichmentOptions } from '../simulator/enrichment/index.ts';

/**
 * The Gemini enrichment flags of the commands that simulate (`sim`/`sim run`, `sim step`,
 * `sim retry`). `--enrich gemini` itself is a scenario flag (bin/scenario-options.ts); these say
 * which model and where the cache lives.
 */
export function addEnrichmentOptions(cmd: Command): Command {
  return cmd
    .option('--gemini-model <id>', `Gemini model for --enrich gemini (env GEMINI_MODEL; default ${DEFAULT_GEMINI_MODEL}); the key is GEMINI_API_KEY`)
    .option('--enrichment-cache <dir>', 'cached Gemini catalogs (env SIM_ENRICHMENT_CACHE; default fixtures/enrichment/ of the project)')
    .option('--enrichment-offline', 'with --enrich gemini: replay cached catalogs only, never call Gemini');
}

export interface EnrichmentFlags {
  geminiModel?: string;
  enrichmentCache?: string;
  enrichmentOffline?: boolean;
  quiet?: boolean;
}

export function enrichmentOptionsFromFlags(flags: EnrichmentFlags, env: Record<string, string | undefined> = process.env): EnrichmentOptions {
  return {
    model: flags.geminiModel,
    env,
    cacheDir: flags.enrichmentCache,
    offline: flags.enrichmentOffline === true,
    log: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  };
}
