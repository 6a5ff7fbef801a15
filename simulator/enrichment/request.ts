import { type Schema, type Type } from '@google/genai';
import type { CategoryConfig } from '../scenario/types.ts';
import type { GeminiCall } from './gemini-client.ts';

/** Schema types as the SDK's `Type` enum spells them (string values: the SDK itself loads only to call Gemini). */
const T = { ARRAY: 'ARRAY' as Type.ARRAY, OBJECT: 'OBJECT' as Type.OBJECT, STRING: 'STRING' as Type.STRING };

/**
 * What ecom-sim asks Gemini for: the vocabulary of `ProductCatalog` (simulator/catalog/types.ts)
 * for a group of categories. Products are named `<brand> <adjective> <noun>` and described from
 * templates by the simulator's counter hash, so Gemini supplies word lists, not 50,000 product
 * rows: one small answer, cached once, serves every scale.
 */

/** List sizes asked for, and accepted. The bounds are also in the response schema. */
export const LIST_BOUNDS = {
  subcategories: { min: 3, max: 6 },
  nouns: { min: 4, max: 8 },
  brands: { min: 5, max: 10 },
  adjectives: { min: 6, max: 12 },
  descriptions: { min: 3, max: 5 },
} as const;

/** The placeholders the simulator fills in description templates. */
export const DESCRIPTION_PLACEHOLDERS = ['name', 'brand', 'adjective', 'noun', 'subcategory', 'category'] as const;

/** Categories per request: keeps each answer far below the output-token limit (about 350 tokens per category). */
export const CATEGORIES_PER_REQUEST = 8;

export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

const SYSTEM_INSTRUCTION = [
  'You write the product vocabulary of a fictional online shop whose data is used to test analytics pipelines.',
  'All brand names must be invented: never use real brands, trademarks or company names.',
  'Write in plain English, title case for names, no emoji, no quotation marks inside values.',
  'Answer only with JSON that matches the response schema.',
].join(' ');

/** Gemini's seed field is a signed 32-bit integer; scenario seeds go up to 2^32-1. */
export function geminiSeed(seed: number): number {
  return seed % 2_147_483_648;
}

export function buildCall(categories: readonly CategoryConfig[], model: string, seed: number): GeminiCall {
  return {
    model,
    seed: geminiSeed(seed),
    systemInstruction: SYSTEM_INSTRUCTION,
    prompt: buildPrompt(categories),
    responseSchema: buildResponseSchema(categories.map((c) => c.name)),
    maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
  };
}

function buildPrompt(categories: readonly CategoryConfig[]): string {
  const b = LIST_BOUNDS;
  const lines = categories.map((c) => `- ${c.name} (median list price ${c.price_median.toFixed(2)})`);
  return [
    `Write the product vocabulary for each of these ${categories.length} shop categories:`,
    ...lines,
    '',
    'For each category, in the order given:',
    `- subcategories: ${b.subcategories.min} to ${b.subcategories.max} sub-categories, each with ${b.nouns.min} to ${b.nouns.max} product nouns`,
    '  (the kind of product, 1 to 3 words, e.g. "Bluetooth Speaker"), distinct within the category;',
    `- brands: ${b.brands.min} to ${b.brands.max} invented brand names that suit the category;`,
    `- adjectives: ${b.adjectives.min} to ${b.adjectives.max} short product-name qualifiers (1 or 2 words, e.g. "Wireless", "Organic Cotton");`,
    `- descriptions: ${b.descriptions.min} to ${b.descriptions.max} one-sentence product description templates of at most 25 words.`,
    `  Templates may use only these placeholders: ${DESCRIPTION_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`,
    '  A product is named "{brand} {adjective} {noun}", which is what {name} stands for.',
  ].join('\n');
}

function stringList(min: number, max: number, description: string): Schema {
  return { type: T.ARRAY, description, minItems: String(min), maxItems: String(max), items: { type: T.STRING } };
}

export function buildResponseSchema(categoryNames: readonly string[]): Schema {
  const b = LIST_BOUNDS;
  return {
    type: T.OBJECT,
    properties: {
      categories: {
        type: T.ARRAY,
        minItems: String(categoryNames.length),
        maxItems: String(categoryNames.length),
        items: {
          type: T.OBJECT,
          properties: {
            category: { type: T.STRING, enum: [...categoryNames], description: 'The category name, exactly as given.' },
            subcategories: {
              type: T.ARRAY,
              minItems: String(b.subcategories.min),
              maxItems: String(b.subcategories.max),
              items: {
                type: T.OBJECT,
                properties: {
                  name: { type: T.STRING, description: 'Sub-category name.' },
                  nouns: stringList(b.nouns.min, b.nouns.max, 'Product nouns of the sub-category.'),
                },
                required: ['name', 'nouns'],
                propertyOrdering: ['name', 'nouns'],
              },
            },
            brands: stringList(b.brands.min, b.brands.max, 'Invented brand names.'),
            adjectives: stringList(b.adjectives.min, b.adjectives.max, 'Product-name qualifiers.'),
            descriptions: stringList(b.descriptions.min, b.descriptions.max, 'Description templates with {placeholders}.'),
          },
          required: ['category', 'subcategories', 'brands', 'adjectives', 'descriptions'],
          propertyOrdering: ['category', 'subcategories', 'brands', 'adjectives', 'descriptions'],
        },
      },
    },
    required: ['categories'],
    propertyOrdering: ['categories'],
  };
}

/** Scenario categories in request-sized groups, in scenario order. */
export function categoryGroups(categories: readonly CategoryConfig[]): CategoryConfig[][] {
  const groups: CategoryConfig[][] = [];
  for (let i = 0; i < categories.length; i += CATEGORIES_PER_REQUEST) groups.push(categories.slice(i, i + CATEGORIES_PER_REQUEST));
  return groups;
}
