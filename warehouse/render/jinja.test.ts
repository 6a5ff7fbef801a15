import { describe, expect, it } from 'vitest';
import { JinjaRuntime, type RenderScope } from './jinja.ts';

const runtime = new JinjaRuntime();
runtime.addMacroFile({
  file: 'macros/m.sql',
  firstLine: 1,
  text: "{% macro cols() %}{{ return(['a', 'b']) }}{% endmacro %}\n{% macro listed() %}{{ cols() | join(', ') }} in {{ this }}{% endmacro %}\n{% macro duckdb__q() %}duck{% endmacro %}\n{% macro default__q() %}other{% endmacro %}\n{% macro broken() %}\n{{ dbt.dateadd('fortnight', 1, 'x') }}\n{% endmacro %}\n{% macro outer() %}{{ broken() }}{% endmacro %}\n",
});

function scope(overrides: Partial<RenderScope> = {}): RenderScope {
  return {
    dialect: 'duckdb',
    vars: { as_of: '2024-12-31' },
    ref: (args) => `ref_${String(args[0])}`,
    source: () => 'src',
    config: () => undefined,
    getVar: (name, fallback) => ({ as_of: '2024-12-31', n: '5' } as Record<string, unknown>)[name] ?? fallback,
    isIncremental: () => false,
    this: 'my_schema.my_model',
    target: { name: 'dev', type: 'duckdb', schema: 'main' },
    execute: true,
    envVars: { USER_NAME: 'ana' },
    ...overrides,
  };
}
const render = (text: string, s = scope()) => runtime.render({ file: 'models/x.sql', text, firstLine: 1 }, s);

describe('dbt Jinja on nunjucks', () => {
  it('has Python string methods with Python semantics', () => {
    expect(render("{{ 'a-b-a'.replace('a', 'x') }}|{{ 'Abc'.upper() }}|{{ ' x '.strip() }}|{{ 'a, b'.split(', ') | length }}|{{ 'abc'.startswith('ab') }}")).toBe('x-b-x|ABC|x|2|true');
    expect(render("{{ '{}_{}'.format('a', 1) }}|{{ ', '.join(['a', 'b']) }}")).toBe('a_1|a, b');
  });

  it('has dbt/Jinja filters and tests', () => {
    expect(render("{{ [3, 1, 2] | max }} {{ [1, 2, 2] | unique | join(',') }} {{ '%s-%d' | format('a', 2.7) }} {{ ['a', 'b'] | map('upper') | join }} {{ 'x' | as_text }}")).toBe('3 1,2 a-2 AB x');
    expect(render('{{ none is none }} {{ nothing is defined }} {{ True and not False }}')).toBe('true false true');
  });

  it('supports do, trailing commas, dict items, call blocks and zip', () => {
    expect(render("{% set l = [] %}{% do l.append(1) %}{{ l | length }}")).toBe('1');
    expect(render("{{ config(materialized='table',) }}ok")).toBe('ok');
    expect(render("{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}")).toBe('a=1');
    expect(render("{% for a, b in zip([1, 2], ['x', 'y']) %}{{ a }}{{ b }}{% endfor %}")).toBe('1x2y');
  });

  it("gives macros the calling model's context and return() values", () => {
    expect(render('{{ listed() }}')).toBe('a, b in my_schema.my_model');
    expect(render('{{ listed() }}', scope({ this: 'other.model' }))).toBe('a, b in other.model');
    expect(render("{{ adapter.dispatch('q')() }}")).toBe('duck');
    expect(render("{{ adapter.dispatch('q')() }}", scope({ dialect: 'bigquery' }))).toBe('other');
  });

  it('reads env_var with a default and refuses the wall clock', () => {
    expect(render("{{ env_var('USER_NAME') }} {{ env_var('NOPE', 'x') }}")).toBe('ana x');
    expect(() => render("{{ env_var('NOPE') }}")).toThrow("models/x.sql:1: env_var('NOPE'): environment variable not set and no default given");
    expect(() => render('select\n{{ run_started_at }}')).toThrow('models/x.sql:2: run_started_at is the wall clock');
  });

  it('reports an error inside a macro at the calling line, naming the macros it went through', () => {
    expect(() => render('select\n  {{ outer() }} as x')).toThrow(
      "models/x.sql:2: dbt.dateadd: unknown date part 'fortnight' (accepted: microsecond, millisecond, second, minute, hour, day, week, month, quarter, year) (in macro broken (macros/m.sql:5), called by outer (macros/m.sql:8))",
    );
  });

  it('explains what it does not support', () => {
    expect(() => render('{% set ns = namespace(found=false) %}{% set ns.found = true %}')).toThrow(/assigning to an attribute/);
  });
});
