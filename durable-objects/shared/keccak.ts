// Installs the WebAssembly SHA3-256 in workerd: the module is imported precompiled (wrangler's CompiledWasm
// rule for *.wasm; workerd compiles no WebAssembly from bytes at run time), instantiated once per isolate.

import { useSha3Backend } from '../../functions/merkle/keccak.ts'
import keccakModule from '../../functions/merkle/keccak.wasm'
import { wasmSha3 } from '../../functions/merkle/keccak-wasm.ts'

useSha3Backend(wasmSha3(new WebAssembly.Instance(keccakModule)))
