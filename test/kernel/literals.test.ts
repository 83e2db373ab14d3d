import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scanSource } from '../../functions/kernel/literals.ts'

describe('scanSource', () => {
  it.each([
    ['agg.x / 2', 'agg.x / 2.0'],
    ['1 + 2.5 + 3e2 + 0x1F + 7u', '1.0 + 2.5 + 3e2 + 0x1F + 7u'],
    ['xs[0] + ys[ 12 ]', 'xs[0] + ys[ 12 ]'],
    ['[1, 2][1]', '[1.0, 2.0][1]'],
    ['f(x)[3]', 'f(x)[3]'],
    ['"a 1 b" + r\'2\' + """3""" + b"4"', '"a 1 b" + r\'2\' + """3""" + b"4"'],
    ['"esc \\" 5" == s', '"esc \\" 5" == s'],
    ['v2 + a_3', 'v2 + a_3'],
  ])('%s -> %s', (src, want) => {
    expect(scanSource(src).text).toBe(want)
  })

  it('lists agg references with their offsets, ignoring strings and other receivers', () => {
    const s = scanSource('agg.a + agg . b + "agg.c" + x.agg.d')
    expect(s.aggRefs).toEqual([
      { name: 'a', offset: 4 },
      { name: 'b', offset: 14 },
    ])
  })

  it('maps offsets in the rewritten text back to the source', () => {
    const src = '1 + 2 + bad'
    const s = scanSource(src)
    const at = s.text.indexOf('bad')
    expect(s.originalOffset(at)).toBe(src.indexOf('bad'))
  })

  it('only ever inserts ".0" after integer literals (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (src) => {
        const s = scanSource(src)
        expect(s.text.replaceAll('.0', '').length).toBeLessThanOrEqual(src.length)
        expect(s.text.length - src.length).toBe(2 * (s.text.split('.0').length - src.split('.0').length))
      }),
    )
  })
})
