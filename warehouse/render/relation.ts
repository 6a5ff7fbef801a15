/**
 * What `{{ ref('x') }}`, `{{ source('a', 'b') }}` and `{{ this }}` evaluate to: an object that
 * prints as the quoted relation name and exposes dbt's Relation attributes (database, schema,
 * identifier, name) for macros that inspect them.
 */
export class Relation {
  constructor(
    readonly database: string | undefined,
    readonly schema: string,
    readonly identifier: string,
    private readonly rendered: string,
  ) {}

  get name(): string {
    return this.identifier;
  }

  get table(): string {
    return this.identifier;
  }

  render(): string {
    return this.rendered;
  }

  /** dbt's Relation.include(...): the same relation (this engine always renders the full path). */
  include(): Relation {
    return this;
  }

  toString(): string {
    return this.rendered;
  }
}
