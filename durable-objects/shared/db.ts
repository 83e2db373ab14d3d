// The one parameterised query helper every Durable Object query goes through (holon, federation, topology).
type Row = Record<string, SqlStorageValue>

/** Durable Object SQLite binds at most 100 parameters per statement. */
const MAX_PARAMS = 100

export class Db {
  private readonly storage: DurableObjectStorage
  private readonly sql: SqlStorage

  constructor(storage: DurableObjectStorage) {
    this.storage = storage
    this.sql = storage.sql
  }

  /** Runs `f` in one synchronous storage transaction: all of its writes commit, or none. */
  transaction<T>(f: () => T): T {
    return this.storage.transactionSync(f)
  }

  all<T extends Row>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.sql.exec<T>(query, ...params).toArray()
  }

  one<T extends Row>(query: string, ...params: SqlStorageValue[]): T | undefined {
    return this.all<T>(query, ...params)[0]
  }

  /** Runs a statement; the number of rows it wrote (0 for an ignored insert or a delete that found nothing). */
  run(query: string, ...params: SqlStorageValue[]): number {
    return this.sql.exec(query, ...params).rowsWritten
  }

  /** Rows whose `column` is one of `values`: `query` ends in `IN`, the placeholder list is appended. */
  whereIn<T extends Row>(query: string, values: readonly SqlStorageValue[]): T[] {
    const out: T[] = []
    for (let i = 0; i < values.length; i += MAX_PARAMS) {
      const part = values.slice(i, i + MAX_PARAMS)
      out.push(...this.all<T>(`${query} (${part.map(() => '?').join(', ')})`, ...part))
    }
    return out
  }

  /** Multi-row INSERT, as few statements as the parameter limit allows; `conflict` is an ON CONFLICT clause. */
  insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly SqlStorageValue[][],
    conflict = '',
  ): void {
    const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length))
    const tuple = `(${columns.map(() => '?').join(', ')})`
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per)
      this.run(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => tuple).join(', ')} ${conflict}`,
        ...part.flat(),
      )
    }
  }
}
