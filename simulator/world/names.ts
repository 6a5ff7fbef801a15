import type { Faker } from '@faker-js/faker';
import { faker as da } from '@faker-js/faker/locale/da';
import { faker as de } from '@faker-js/faker/locale/de';
import { faker as de_AT } from '@faker-js/faker/locale/de_AT';
import { faker as de_CH } from '@faker-js/faker/locale/de_CH';
import { faker as en } from '@faker-js/faker/locale/en';
import { faker as en_AU } from '@faker-js/faker/locale/en_AU';
import { faker as en_CA } from '@faker-js/faker/locale/en_CA';
import { faker as en_GB } from '@faker-js/faker/locale/en_GB';
import { faker as en_IE } from '@faker-js/faker/locale/en_IE';
import { faker as en_US } from '@faker-js/faker/locale/en_US';
import { faker as es } from '@faker-js/faker/locale/es';
import { faker as es_MX } from '@faker-js/faker/locale/es_MX';
import { faker as fi } from '@faker-js/faker/locale/fi';
import { faker as fr } from '@faker-js/faker/locale/fr';
import { faker as fr_BE } from '@faker-js/faker/locale/fr_BE';
import { faker as it } from '@faker-js/faker/locale/it';
import { faker as nb_NO } from '@faker-js/faker/locale/nb_NO';
import { faker as nl } from '@faker-js/faker/locale/nl';
import { faker as pl } from '@faker-js/faker/locale/pl';
import { faker as pt_BR } from '@faker-js/faker/locale/pt_BR';
import { faker as pt_PT } from '@faker-js/faker/locale/pt_PT';
import { faker as sv } from '@faker-js/faker/locale/sv';
import { PackedStrings } from './packed-strings.ts';

/**
 * Name pools built once per country from Faker's vocabulary of that country's locale (faker is
 * pinned in package.json, so the pools, and therefore every name, are stable): a German
 * customer is called like a German. Rows pick from the pools with the counter hash; Faker's
 * per-call API is never used per row (measured: 40x slower). Countries without a locale here use
 * the English one.
 */
const LOCALES: Record<string, Faker> = {
  US: en_US, GB: en_GB, CA: en_CA, AU: en_AU, IE: en_IE, NZ: en,
  DE: de, AT: de_AT, CH: de_CH, FR: fr, BE: fr_BE, ES: es, MX: es_MX, IT: it, NL: nl,
  SE: sv, NO: nb_NO, DK: da, FI: fi, PL: pl, PT: pt_PT, BR: pt_BR,
};

/** The vocabulary of one locale, packed as UTF-8 for the customer generator. */
export interface NamePool {
  /** First names by sex (0 = female, 1 = male); languages without sexed lists repeat one list. */
  first: [PackedStrings, PackedStrings];
  /** Last names by sex (most locales have one list for both). */
  last: [PackedStrings, PackedStrings];
  /** ASCII lower-case forms for email local parts, same indexes as `first`/`last`. */
  firstEmail: [PackedStrings, PackedStrings];
  lastEmail: [PackedStrings, PackedStrings];
  /** ASCII email domains. */
  emailDomains: PackedStrings;
  /** Relative weights of `emailDomains`. */
  emailDomainWeights: number[];
}

type Lists = Record<string, string[] | undefined>;

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Characters NFKD does not decompose to ASCII. */
const TRANSLITERATE: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', đ: 'd', Đ: 'D', œ: 'oe', Œ: 'OE', þ: 'th', ð: 'd' };

/** The ASCII letters of a name, for email local parts ("Łukasz" -> "Lukasz"). */
export function asciiName(name: string): string {
  return name
    .replace(/[łŁøØæÆßđĐœŒþð]/g, (c) => TRANSLITERATE[c])
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '');
}

function bySex(lists: Lists | string[] | undefined): [string[], string[]] {
  if (!lists) return [[], []];
  if (Array.isArray(lists)) return [unique(lists), unique(lists)];
  const generic = lists.generic ?? [];
  const female = unique([...(lists.female ?? []), ...(lists.female ? [] : generic)]);
  const male = unique([...(lists.male ?? []), ...(lists.male ? [] : generic)]);
  return [female.length ? female : male, male.length ? male : female];
}

const COMMON_DOMAINS: Record<string, number> = { 'gmail.com': 45, 'yahoo.com': 10, 'hotmail.com': 9, 'outlook.com': 12, 'icloud.com': 11, 'proton.me': 3 };

function buildPool(locale: Faker): NamePool {
  const person = locale.definitions.person;
  let first = bySex(person.first_name as unknown as Lists);
  let last = bySex(person.last_name as unknown as Lists);
  if (!first[0].length) first = bySex(en.definitions.person.first_name as unknown as Lists);
  if (!last[0].length) last = bySex(en.definitions.person.last_name as unknown as Lists);
  const email = (names: [string[], string[]]): [string[], string[]] => [names[0].map((n) => asciiName(n).toLowerCase() || 'user'), names[1].map((n) => asciiName(n).toLowerCase() || 'user')];
  const local = ((locale.definitions.internet?.free_email as string[] | undefined) ?? []).filter((d) => !(d in COMMON_DOMAINS));
  const emailDomains = [...Object.keys(COMMON_DOMAINS), ...local];
  const emailDomainWeights = [...Object.values(COMMON_DOMAINS), ...local.map(() => 8)];
  const pack = (lists: [string[], string[]]): [PackedStrings, PackedStrings] => [new PackedStrings(lists[0]), new PackedStrings(lists[1])];
  const pool: NamePool = { first: pack(first), last: pack(last), firstEmail: pack(email(first)), lastEmail: pack(email(last)), emailDomains: new PackedStrings(emailDomains), emailDomainWeights };
  // Emails are written byte by byte, upper-cased by ASCII rules (the mixed-case fault).
  for (const list of [...pool.firstEmail, ...pool.lastEmail, pool.emailDomains]) {
    if (!list.ascii) throw new Error(`email vocabulary must be ASCII, got ${JSON.stringify(list.values.find((v) => !/^[\x00-\x7f]*$/.test(v)))}`);
  }
  return pool;
}

const cache = new Map<Faker, NamePool>();

/** The name pool of an ISO country code (built once per locale). */
export function namePool(countryCode: string): NamePool {
  const locale = LOCALES[countryCode] ?? en;
  let pool = cache.get(locale);
  if (!pool) {
    pool = buildPool(locale);
    cache.set(locale, pool);
  }
  return pool;
}
