import { Document, isMap, isPair, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { defaultScenario, SCALE_PRESETS } from '../../simulator/scenario/defaults.ts';
import { FIELD_RULES } from '../../simulator/scenario/schema.ts';
import type { Scenario } from '../../simulator/scenario/types.ts';

/**
 * `scenario.yml` for a new project: every default, each field with the sentence of accepted
 * values the validator itself uses (FIELD_RULES), so the file cannot drift from the rules.
 * `customers`, `products` and `as_of` are left commented out: they follow `scale` and `end_date`
 * unless set.
 */

/** Why each section exists; the leaves carry their accepted-values sentence. */
const SECTION_NOTES: Record<string, string> = {
  seed: 'The seed: same seed + same scenario + same version => byte-identical landing tables.',
  scale: `World size preset: ${Object.entries(SCALE_PRESETS).map(([k, v]) => `${k} = ${v.customers} customers / ${v.products} products`).join(', ')}.`,
  start_date: 'First day of the simulated world (UTC).',
  end_date: 'Last day of the world, inclusive.',
  as_of: '"Today" for the landing and the models: rows are shown as they were at the end of this day.',
  enrich: 'Product catalog: the built-in vocabulary (none) or Gemini (needs GEMINI_API_KEY or a cached catalog in fixtures/enrichment/).',
  gemini_model: 'The Gemini model asked with enrich: gemini (a pinned id: cached catalogs are keyed by it).',
  faults: 'Seeded data-quality faults that the staging layer must clean (rate 0 = clean data).',
  behaviour: 'Customer and order behaviour (buy-till-you-die style purchase rates and lifetimes).',
  demand: 'Demand curves: day of week, hour of day, month of year, holiday multipliers.',
  categories: 'Product categories: share of the range, log-normal prices, margin, monthly season.',
  countries: 'Customer countries and their shares.',
  acquisition_channels: 'Marketing channels of signups and their shares.',
  order_channels: 'Where orders are placed and their shares.',
};

export function renderScenarioFile(scenario: Scenario = defaultScenario()): string {
  // customers/products follow `scale`, as_of follows end_date, unless set: keep them as comments
  // so that changing scale or end_date does what a user expects.
  const { customers, products, as_of: asOf, ...rest } = scenario;
  const doc = new Document(rest);
  doc.commentBefore = [
    ' ecom-sim scenario: everything that fixes the simulated shop.',
    ' `sim` reads this file from the project folder; flags override it (e.g. `sim --seed 7 --scale tiny`).',
    ' Print the effective scenario with `sim scenario --print`.',
  ].join('\n');
  const root = doc.contents as YAMLMap;
  for (const item of root.items) annotate(item as Pair, []);
  // the header comment already ends with a blank line
  if (isPair(root.items[0]) && isScalar(root.items[0].key)) root.items[0].key.spaceBefore = false;
  let text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  // Sizes follow the scale preset unless set; show them, commented, after `scale`.
  text = text.replace(
    /^(scale: .*\n)/m,
    `$1# customers: ${customers}   # default from scale; an integer from 1 to 50000000\n# products: ${products}      # default from scale; an integer from 1 to 2000000\n`,
  );
  text = text.replace(
    /^(end_date: .*\n)/m,
    `$1\n# ${SECTION_NOTES.as_of}\n# as_of: '${asOf}'   # default: end_date; a date from start_date to end_date\n`,
  );
  return text;
}

function annotate(pair: Pair, path: string[]): void {
  if (!isScalar(pair.key)) return;
  const name = String(pair.key.value);
  const here = [...path, name];
  const dotted = here.join('.');
  const note = path.length === 0 ? SECTION_NOTES[name] : undefined;
  const rule = FIELD_RULES[dotted] ?? FIELD_RULES[dotted.replace(/^categories\./, 'categories[].')];
  const lines = [note, rule ? `${path.length === 0 ? '' : `${name}: `}${rule.accepted}` : undefined].filter(Boolean) as string[];
  if (name === 'categories' && path.length === 0) {
    for (const field of Object.keys(FIELD_RULES).filter((k) => k.startsWith('categories[].'))) {
      lines.push(`  ${field.slice('categories[].'.length)}: ${FIELD_RULES[field]!.accepted}`);
    }
  }
  if (lines.length > 0) pair.key.commentBefore = lines.map((l) => ` ${l}`).join('\n');
  if (path.length === 0 && lines.length > 0) pair.key.spaceBefore = true;
  const value = pair.value;
  // Dates stay strings for every YAML reader (YAML 1.1 readers would turn them into dates).
  if (isScalar(value) && rule?.accepted.startsWith('a calendar date')) value.type = 'QUOTE_SINGLE';
  if (isSeq(value)) {
    if (value.items.every(isScalar)) value.flow = true;
    else {
      for (const item of value.items) if (isMap(item)) for (const p of item.items) if (isSeq(p.value)) p.value.flow = true;
    }
  } else if (isMap(value)) {
    for (const child of value.items) if (isPair(child)) annotate(child, here);
  }
}
