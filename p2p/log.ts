// Structured logs: one JSON object per line on stderr, with a level gate.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
export type Level = keyof typeof LEVELS

export type Logger = (level: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>) => void

export function logger(min: Level, base: Record<string, unknown> = {}): Logger {
  return (level, msg, fields = {}) => {
    if (LEVELS[level] < LEVELS[min]) return
    process.stderr.write(
      `${JSON.stringify({ t: new Date().toISOString(), level, msg, ...base, ...fields })}\n`,
    )
  }
}
