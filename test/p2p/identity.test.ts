// The node's peer identity persists in an owner-only key file.
import { chmodSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { IdentityError, loadIdentity } from '../../p2p/identity.ts'
import { removeTmp, tmp } from './support.ts'

afterAll(removeTmp)

describe('peer identity', () => {
  it('is created with mode 600 on first run and reused after', async () => {
    const file = join(tmp(), 'nested', 'peer.key')
    const first = await loadIdentity(file)
    expect(first.created).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const again = await loadIdentity(file)
    expect(again.created).toBe(false)
    expect(again.key.publicKey.toString()).toBe(first.key.publicKey.toString())
    expect(first.key.type).toBe('Ed25519')
  })

  it('refuses a key file others can read, and a file that is not a key', async () => {
    const file = join(tmp(), 'peer.key')
    await loadIdentity(file)
    chmodSync(file, 0o644)
    await expect(loadIdentity(file)).rejects.toThrow(IdentityError)
    const junk = join(tmp(), 'junk.key')
    writeFileSync(junk, 'not a key', { mode: 0o600 })
    await expect(loadIdentity(junk)).rejects.toThrow(/not a libp2p private key/)
  })
})
