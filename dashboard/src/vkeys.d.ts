// The vkeys bundled into the verification page: a virtual module dashboard/build.ts fills from
// functions/attestation/vkeys/*.json (and the verifier's test fixture), by circuit name.
declare module 'omega:vkeys' {
  export const vkeys: Record<string, unknown>
}
