// The node's persistent Ed25519 peer identity: created on first run in an owner-only key file, reused after.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

export class IdentityError extends Error {
  override name = 'IdentityError'
}

export async function loadIdentity(file: string): Promise<{ key: PrivateKey; created: boolean }> {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777
    if (mode & 0o077)
      throw new IdentityError(`${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`)
    try {
      return { key: privateKeyFromProtobuf(readFileSync(file)), created: false }
    } catch (e) {
      throw new IdentityError(`${file} is not a libp2p private key: ${(e as Error).message}`)
    }
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const key = await generateKeyPair('Ed25519')
  writeFileSync(file, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return { key, created: true }
}
