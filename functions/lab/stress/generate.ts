// The event generator: random values from the field domains, biased toward extremes and simple values.
import type { EventValue } from '../../kernel/index.ts'
import type { FieldDomain } from './types.ts'

export type Rng = () => number

/** A domain the core cannot draw from (the schema refuses these; direct callers get this error). */
export class StressInputError extends Error {
  override name = 'StressInputError'
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(message)
    this.pointer = pointer
  }
}

export function checkDomains(fields: Record<string, FieldDomain>): void {
  for (const [name, d] of Object.entries(fields)) {
    const at = `/fields/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`
    if (d.kind === 'number') {
      if (!Number.isFinite(d.min) || !Number.isFinite(d.max) || d.min > d.max)
        throw new StressInputError(at, `field '${name}': min must be finite and at most max`)
      if (d.integer && Math.ceil(d.min) > Math.floor(d.max))
        throw new StressInputError(at, `field '${name}': no integer between min and max`)
    }
    if (d.kind === 'enum' && d.values.length === 0)
      throw new StressInputError(at, `field '${name}': an enum needs at least one value`)
  }
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T

export function clampNumber(d: Extract<FieldDomain, { kind: 'number' }>, x: number): number {
  const lo = d.integer ? Math.ceil(d.min) : d.min
  const hi = d.integer ? Math.floor(d.max) : d.max
  const v = d.integer ? Math.round(x) : x
  return Math.min(hi, Math.max(lo, v))
}

/**
 * Property-based testing's usual bias: extremes, zero and small values come up far more often than a uniform
 * draw would give them, since holes sit at boundaries.
 */
export function drawValue(d: FieldDomain, r: Rng): unknown {
  switch (d.kind) {
    case 'const':
      return d.value
    case 'enum':
      return pick(r, d.values)
    case 'string':
      // a small alphabet so values repeat (distinct counts, equal members)
      return `${d.prefix ?? ''}${Math.floor(r() * 16).toString(36)}`
    case 'number': {
      const u = r()
      let x: number
      if (u < 0.08) x = d.min
      else if (u < 0.16) x = d.max
      else if (u < 0.2 && d.min <= 0 && d.max >= 0) x = 0
      else if (u < 0.35) x = d.min + (d.max - d.min) * r() ** 3
      else if (u < 0.45) x = d.max - (d.max - d.min) * r() ** 3
      else x = d.min + (d.max - d.min) * r()
      return clampNumber(d, x)
    }
  }
}

export function drawEvent(fields: Record<string, FieldDomain>, r: Rng, id: string): EventValue {
  const e: EventValue = { id }
  for (const [name, d] of Object.entries(fields)) if (name !== 'id') e[name] = drawValue(d, r)
  return e
}

export const numericFields = (fields: Record<string, FieldDomain>): string[] =>
  Object.entries(fields)
    .filter(([name, d]) => d.kind === 'number' && d.min < d.max && name !== 'id')
    .map(([name]) => name)
