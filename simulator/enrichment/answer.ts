import { z } from 'zod';
import type { CategoryVocabulary } from '../catalog/types.ts';
import { MalformedAnswerError } from './gemini-client.ts';
import { DESCRIPTION_PLACEHOLDERS, LIST_BOUNDS } from './request.ts';

/**
 * Validation of Gemini's answer. The response schema asks Gemini for the right shape, but a
 * model can still return too few items, duplicates, blank names, unknown placeholders or the
 * wrong categories; any of these makes the answer unusable and it is asked again. Accepted
 * answers are used exactly as returned (no trimming or repair), so a replay is byte for byte.
 */

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** A single-line, non-blank name without surrounding spaces. */
const name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s === s.trim() && s.trim() !== '', 'has surrounding spaces or is blank')
    .refine((s) => !/[\u0000-\u001f{}]/.test(s), 'holds a control character or a brace');

function distinctList(item: z.ZodString | z.ZodType<string>, bounds: { min: number; max: number }) {
  return z
    .array(item)
    .min(bounds.min)
    .max(bounds.max)
    .refine((list) => new Set(list.map((s) => s.toLowerCase())).size === list.length, 'has duplicates');
}

const template = z
  .string()
  .min(10)
  .max(240)
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'holds a control character')
  .refine(
    (s) => [...s.matchAll(PLACEHOLDER)].every((m) => (DESCRIPTION_PLACEHOLDERS as readonly string[]).includes(m[1]!)),
    `uses a placeholder other than ${DESCRIPTION_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
  )
  .refine((s) => (s.match(/[{}]/g)?.length ?? 0) === 2 * [...s.matchAll(PLACEHOLDER)].length, 'has an unbalanced brace');

const categoryAnswer = z.strictObject({
  category: z.string(),
  subcategories: z
    .array(z.strictObject({ name: name(60), nouns: distinctList(name(60), LIST_BOUNDS.nouns) }))
    .min(LIST_BOUNDS.subcategories.min)
    .max(LIST_BOUNDS.subcategories.max)
    .refine((subs) => new Set(subs.map((s) => s.name.toLowerCase())).size === subs.length, 'has duplicate sub-category names')
    .refine((subs) => {
      const nouns = subs.flatMap((s) => s.nouns.map((n) => n.toLowerCase()));
      return new Set(nouns).size === nouns.length;
    }, 'repeats a noun across sub-categories'),
  brands: distinctList(name(40), LIST_BOUNDS.brands),
  adjectives: distinctList(name(30), LIST_BOUNDS.adjectives),
  descriptions: distinctList(template, LIST_BOUNDS.descriptions),
});

const answerSchema = z.strictObject({ categories: z.array(categoryAnswer) });

export type CategoryAnswer = z.infer<typeof categoryAnswer>;

/**
 * Parses and validates one answer for `categoryNames` (in that order). Throws
 * MalformedAnswerError naming the first problem.
 */
export function parseAnswer(text: string, categoryNames: readonly string[]): Record<string, CategoryVocabulary> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MalformedAnswerError(`answer is not valid JSON (${(error as Error).message}; ${text.length} characters)`);
  }
  const result = answerSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MalformedAnswerError(`answer does not match the schema at ${formatPath(issue.path)}: ${issue.message}`);
  }
  const got = result.data.categories.map((c) => c.category);
  if (got.length !== categoryNames.length || got.some((c, i) => c !== categoryNames[i])) {
    throw new MalformedAnswerError(`answer covers categories [${got.join(', ')}], expected [${categoryNames.join(', ')}] in that order`);
  }
  const out: Record<string, CategoryVocabulary> = {};
  for (const c of result.data.categories) {
    out[c.category] = {
      subcategories: c.subcategories.map((s) => ({ name: s.name, nouns: [...s.nouns] })),
      brands: [...c.brands],
      adjectives: [...c.adjectives],
      descriptions: [...c.descriptions],
    };
  }
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)';
}
