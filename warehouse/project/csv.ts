import { InputError } from '../../contract/errors.ts';

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes) into rows keyed by the
 * header. Empty unquoted cells are NULL, as in dbt's unit test fixtures; `""` is an empty string.
 */
export function parseCsv(text: string, where: string, delimiter = ','): Array<Record<string, string | null>> {
  const records: Array<Array<string | null>> = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let record: Array<string | null> = [];
  const endField = () => {
    record.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const src = text.replace(/\r\n/g, '\n');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (c === delimiter) endField();
    else if (c === '\n') {
      endField();
      records.push(record);
      record = [];
    } else field += c;
  }
  if (quoted) throw new InputError(`${where}: CSV has an unterminated quoted field`);
  if (field !== '' || wasQuoted || record.length > 0) {
    endField();
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === null));
  if (nonEmpty.length === 0) return [];
  const header = nonEmpty[0].map((h) => (h ?? '').trim());
  return nonEmpty.slice(1).map((r, index) => {
    if (r.length !== header.length) throw new InputError(`${where}: CSV row ${index + 2} has ${r.length} fields, the header has ${header.length}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i] === null ? null : (r[i] as string).trim()]));
  });
}
