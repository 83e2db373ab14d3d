// A Content-Type parser after RFC 9110 section 8.3.1: type/subtype, then parameters, tolerant of empty ones.

export interface MediaType {
  /** `type/subtype`, lower-cased */
  essence: string
  /** parameter names lower-cased; quoted values unquoted */
  params: Map<string, string>
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/
const OWS = /^[ \t]*/

/**
 * Parses `media-type = type "/" subtype *( OWS ";" OWS [ parameter ] )`. Empty parameters (`;;`) are allowed,
 * as the grammar allows them; a repeated parameter name, a bad token or an unterminated quote is not (null).
 */
export function parseMediaType(header: string): MediaType | null {
  let rest = header.replace(OWS, '')
  const type = TOKEN.exec(rest)?.[0]
  if (!type) return null
  rest = rest.slice(type.length)
  if (!rest.startsWith('/')) return null
  rest = rest.slice(1)
  const subtype = TOKEN.exec(rest)?.[0]
  if (!subtype) return null
  rest = rest.slice(subtype.length)
  const params = new Map<string, string>()
  for (;;) {
    rest = rest.replace(OWS, '')
    if (rest === '') break
    if (!rest.startsWith(';')) return null
    rest = rest.slice(1).replace(OWS, '')
    if (rest === '' || rest.startsWith(';')) continue
    const name = TOKEN.exec(rest)?.[0]
    if (!name || rest[name.length] !== '=') return null
    rest = rest.slice(name.length + 1)
    let value: string
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest)
      if (!quoted) return null
      value = (quoted[1] as string).replace(/\\(.)/g, '$1')
      rest = rest.slice(quoted[0].length)
    } else {
      const token = TOKEN.exec(rest)?.[0]
      if (!token) return null
      value = token
      rest = rest.slice(token.length)
    }
    const key = name.toLowerCase()
    if (params.has(key)) return null
    params.set(key, value)
  }
  return { essence: `${type}/${subtype}`.toLowerCase(), params }
}
