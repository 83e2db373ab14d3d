// The one parameterised query helper every holon query goes through.
type Row = Record<string, SqlStorageValue>

export class Db {
  private readonly sql: SqlStorage
  constructor(sql: SqlStorage) {
    this.sql = sql
  }

  all<T extends Row>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.sql.exec<T>(query, ...params).toArray()
  }

  one<T extends Row>(query: string, ...params: SqlStorageValue[]): T | undefined {
    return this.all<T>(query, ...params)[0]
  }

  run(query: string, ...params: SqlStorageValue[]): void {
    this.sql.exec(query, ...params)
  }
}
