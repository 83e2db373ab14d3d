// Validation of incremental topology updates: every problem found before anything changes.
import { describe, expect, it } from 'vitest'
import { validatePatch } from '../../durable-objects/topology/patch.ts'
import { TopologyError } from '../../functions/routing/index.ts'
import { TopologyPatch } from '../../schemas/topology.ts'
import { topologyOf } from './graphs.ts'

const issueOf = (f: () => void) => {
  try {
    f()
  } catch (e) {
    return e instanceof TopologyError ? [e.issue, e.extensions.pointer] : ['other', (e as Error).name]
  }
  return ['none']
}

describe('validatePatch', () => {
  const t = () => topologyOf(3, [[0, 1]])
  const patch = (p: object) => TopologyPatch.parse(p)

  it('refuses growing past the stored-node limit', () => {
    const add = patch({
      add_nodes: [
        { id: 'x', coords: [0, 0] },
        { id: 'y', coords: [0, 0] },
      ],
    })
    expect(issueOf(() => validatePatch(t(), add, 4))).toEqual(['too_many_nodes', undefined])
    expect(issueOf(() => validatePatch(t(), add, 5))).toEqual(['none'])
    // removing first makes room
    const swap = patch({
      remove_nodes: ['n0'],
      add_nodes: [
        { id: 'x', coords: [0, 0] },
        { id: 'y', coords: [0, 0] },
      ],
    })
    expect(issueOf(() => validatePatch(t(), swap, 4))).toEqual(['none'])
  })

  it('sees ids as they will be after removals and additions', () => {
    expect(issueOf(() => validatePatch(t(), patch({ remove_nodes: ['n0', 'n0'] })))).toEqual([
      'unknown_node',
      '/remove_nodes/1',
    ])
    const readd = patch({
      remove_nodes: ['n0'],
      add_nodes: [{ id: 'n0', coords: [0.1, 0] }],
      add_edges: [['n0', 'n2']],
    })
    expect(issueOf(() => validatePatch(t(), readd))).toEqual(['none'])
    const gone = patch({ remove_nodes: ['n2'], add_edges: [['n0', 'n2']] })
    expect(issueOf(() => validatePatch(t(), gone))).toEqual(['unknown_node', '/add_edges/0/1'])
    expect(issueOf(() => validatePatch(t(), patch({ set_load: [{ id: 'q', load: 1 }] })))).toEqual([
      'unknown_node',
      '/set_load/0/id',
    ])
  })

  it('checks points against the stored dimension', () => {
    const p = patch({ move_nodes: [{ id: 'n1', coords: [0.1, 0.1, 0.1] }] })
    expect(issueOf(() => validatePatch(t(), p))).toEqual(['other', 'GeometryError'])
  })
})
