// Event values as CEL sees them: objects owning a member cel-js reads for dispatch become Maps.
//
// cel-js picks a value's CEL type by `value.constructor`; an event member named `constructor` shadows it
// and every expression reading `event` failed ("Unsupported type: object"). A Map's `constructor` cannot
// be shadowed by its entries and cel-js reads Maps as CEL maps, so such objects become Maps. Other
// objects are passed as they are (no copy on the fast path): cel-js reads members with Object.hasOwn,
// so `__proto__`, `toString` and friends already work as plain keys.

const needsMap = (o: object) => Object.hasOwn(o, 'constructor')

/** Whether anything in `v` needs converting; allocates nothing (the common case ends here). */
function needsConversion(v: object): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null && needsConversion(x)) return true
    return false
  }
  if (needsMap(v)) return true
  for (const key in v) {
    const x = (v as Record<string, unknown>)[key]
    if (typeof x === 'object' && x !== null && needsConversion(x)) return true
  }
  return false
}

function convert(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || !needsConversion(v)) return v
  if (Array.isArray(v)) return v.map(convert)
  const entries = Object.keys(v).map((key): [string, unknown] => [
    key,
    convert((v as Record<string, unknown>)[key]),
  ])
  if (needsMap(v)) return new Map(entries)
  const copy: Record<string, unknown> = {}
  for (const [key, x] of entries)
    Object.defineProperty(copy, key, { value: x, enumerable: true, writable: true })
  return copy
}

/** `v` itself when nothing in it needs converting, else a converted copy (the caller's value is untouched). */
export const celValue = (v: unknown): unknown => convert(v)
