// C2SP tlog-cosignature lines: the signed message, the 76-byte layout, and what makes one fail.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { cosign, cosignerKeyId, fromBase64, utf8, verifyCosignature } from '../../functions/ledger/index.ts'

const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'
const secret = ed25519.utils.randomSecretKey()
const pub = ed25519.getPublicKey(secret)
const name = 'witness.example/w1'

describe('cosignatures', () => {
  it('sign "cosignature/v1\\ntime <t>\\n" + the checkpoint, as keyID || u64 time || signature', () => {
    const line = cosign(body, name, secret, 1679315147)
    const raw = fromBase64(line.split(' ')[2] as string) as Uint8Array
    expect(raw).toHaveLength(76)
    // The key ID is SHA-256(name || "\n" || 0x04 || key)[:4], computed here independently.
    expect([...raw.slice(0, 4)]).toEqual([...sha256(Uint8Array.of(...utf8(name), 10, 4, ...pub)).slice(0, 4)])
    expect([...cosignerKeyId(name, pub)]).toEqual([...raw.slice(0, 4)])
    expect(new DataView(raw.buffer).getBigUint64(4)).toBe(1679315147n)
    const msg = utf8(`cosignature/v1\ntime 1679315147\n${body}`)
    expect(ed25519.verify(raw.slice(12), msg, pub)).toBe(true)
    expect(verifyCosignature(line, body, name, pub)).toBe(1679315147)
  })

  it('fail for another checkpoint, another name, another key or a changed timestamp', () => {
    const line = cosign(body, name, secret, 1700000000)
    expect(() => verifyCosignature(line, body.replace('20852163', '20852164'), name, pub)).toThrow()
    expect(() => verifyCosignature(line, body, 'witness.example/w2', pub)).toThrow()
    expect(() =>
      verifyCosignature(line, body, name, ed25519.getPublicKey(ed25519.utils.randomSecretKey())),
    ).toThrow()
    const raw = fromBase64(line.split(' ')[2] as string) as Uint8Array
    raw[11] = (raw[11] as number) ^ 1
    const bumped = `\u2014 ${name} ${btoa(String.fromCharCode(...raw))}`
    expect(() => verifyCosignature(bumped, body, name, pub)).toThrow()
  })
})
